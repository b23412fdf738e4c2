#include "dynamus/review/review_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "dynamus/core/atomic_file.h"

namespace dynamus::review {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 2> kHandleNames{"caliper-end", "region-vertex"};
constexpr std::array<std::string_view, 2> kKindNames{"tear", "thickening"};

json point_json(const PointMm& p) { return json{p.x_mm, p.y_mm}; }

json number_or_null(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json finding_json(const Finding& f) {
  json corrections = json::array();
  for (const Correction& c : f.corrections) {
    corrections.push_back({{"sequence", c.sequence},
                           {"frame", c.frame},
                           {"handle", kHandleNames[std::size_t(c.handle)]},
                           {"index", c.index},
                           {"from_mm", point_json(c.from_mm)},
                           {"to_mm", point_json(c.to_mm)},
                           {"at_utc", c.at_utc}});
  }
  json frames = json::array();
  for (const int frame : f.corrected_frames()) {
    frames.push_back({{"frame", frame},
                      {f.measure + "_mm", number_or_null(f.analysed_measurement_mm(frame))},
                      {"corrected_" + f.measure + "_mm", number_or_null(f.measurement_mm(frame))},
                      {"region_area_mm2", number_or_null(f.analysed_region_area_mm2(frame))},
                      {"corrected_region_area_mm2", number_or_null(f.region_area_mm2(frame))}});
  }
  return {{"id", f.id},
          {"kind", kKindNames[std::size_t(f.kind)]},
          {"title", f.title},
          {"key_frame", f.key_frame},
          {"decision", to_string(f.decision)},
          {"decided_utc", f.decided_utc},
          {"updated_utc", f.updated_utc},
          {"comment", f.comment},
          {"corrections", corrections},
          {"corrected_frames", frames}};
}

Status invalid(const std::filesystem::path& path, std::string message) {
  return Status(StatusCode::kInvalidData, std::move(message), path.string());
}

PointMm point_from(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names,
                                    const std::string& name) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return std::size_t(found - names.begin());
}

// Restores one saved finding onto the analysis' own `finding`: every correction must land on a
// handle the current geometry has.
Status restore(const std::filesystem::path& path, const json& saved, Finding& finding) {
  const auto decision = decision_from_string(saved.at("decision").get<std::string>());
  if (!decision)
    return invalid(path, "unknown decision '" + saved.at("decision").get<std::string>() + "'");
  finding.decision = *decision;
  finding.decided_utc = saved.at("decided_utc").get<std::string>();
  finding.updated_utc = saved.at("updated_utc").get<std::string>();
  finding.comment = saved.at("comment").get<std::string>();
  for (const json& c : saved.at("corrections")) {
    const auto handle = index_of(kHandleNames, c.at("handle").get<std::string>());
    if (!handle) return invalid(path, "unknown handle '" + c.at("handle").get<std::string>() + "'");
    const Correction correction{
        c.at("sequence").get<int>(),      c.at("frame").get<int>(),    Handle(*handle),
        c.at("index").get<int>(),         point_from(c.at("from_mm")), point_from(c.at("to_mm")),
        c.at("at_utc").get<std::string>()};
    const FindingFrame geometry = finding.corrected(correction.frame);
    const bool exists =
        correction.handle == Handle::kCaliperEnd
            ? geometry.caliper_mm && (correction.index == 0 || correction.index == 1)
            : correction.index >= 0 && std::size_t(correction.index) < geometry.region_mm.size();
    if (!exists) {
      return invalid(path, fmt::format("the {} has no {} {} in frame {}", finding.id,
                                       kHandleNames[*handle], correction.index, correction.frame));
    }
    finding.corrections.push_back(correction);
  }
  return ok_status();
}

}  // namespace

std::string safe_reviewer_name(std::string_view reviewer) {
  std::string name;
  for (const char c : reviewer) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || (c == '.' && !name.empty());
    name += kept ? c : '_';
  }
  if (name.find_first_not_of('_') == std::string::npos) return "anonymous";
  return name;
}

std::filesystem::path review_path(const std::filesystem::path& dir, std::string_view reviewer) {
  return dir / ("review." + safe_reviewer_name(reviewer) + ".json");
}

json to_json(const Review& review) {
  json findings = json::array();
  for (const Finding& f : review.findings()) findings.push_back(finding_json(f));
  return {{"schema", kReviewSchema},
          {"reviewer", review.reviewer()},
          {"created_utc", review.created_utc()},
          {"updated_utc", review.updated_utc()},
          {"result", {{"sha256", review.reviewed().result_sha256}}},
          {"input",
           {{"path", review.reviewed().input_path}, {"sha256", review.reviewed().input_sha256}}},
          {"findings", findings}};
}

std::vector<ReviewTally> review_tallies(const std::filesystem::path& dir) {
  std::vector<ReviewTally> tallies;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("review.") || !name.ends_with(".json") ||
        name.find(".stale-") != std::string::npos)
      continue;
    std::ifstream file(entry.path());
    const json document = json::parse(file, nullptr, /*allow_exceptions=*/false);
    if (!document.is_object() || document.value("schema", "") != kReviewSchema ||
        !document.contains("findings") || !document["findings"].is_array())
      continue;
    ReviewTally tally{document.value("reviewer", ""), {}, document.value("updated_utc", "")};
    for (const json& finding : document["findings"]) {
      if (!finding.is_object()) continue;
      if (const auto decision = decision_from_string(finding.value("decision", "")))
        ++tally.decisions[std::size_t(*decision)];
    }
    tallies.push_back(std::move(tally));
  }
  std::sort(tallies.begin(), tallies.end(),
            [](const ReviewTally& a, const ReviewTally& b) { return a.reviewer < b.reviewer; });
  return tallies;
}

std::string tally_text(const std::vector<ReviewTally>& tallies) {
  if (tallies.empty()) return "not reviewed";
  std::string text;
  // Decided findings first: what a reviewer made of the study matters more than what is left.
  constexpr std::array kOrder{Decision::kAccepted, Decision::kRejected, Decision::kUncertain,
                              Decision::kPending};
  for (const ReviewTally& tally : tallies) {
    std::string counts;
    for (const Decision decision : kOrder) {
      if (const int n = tally.decisions[std::size_t(decision)]; n > 0)
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, to_string(decision));
    }
    text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", tally.reviewer,
                        counts.empty() ? "no findings" : counts);
  }
  return text;
}

Status save_review(const Review& review, const std::filesystem::path& dir) {
  return write_text_file_atomically(review_path(dir, review.reviewer()),
                                    to_json(review).dump(2) + "\n");
}

Result<Review> load_review(const std::filesystem::path& path, const Reviewed& current,
                           std::vector<Finding> findings) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "no review file", path.string());
  try {
    const json document = json::parse(in);
    if (document.at("schema") != kReviewSchema)
      return invalid(path, fmt::format("not a {} document", kReviewSchema));
    const std::string reviewed_sha = document.at("result").at("sha256").get<std::string>();
    if (reviewed_sha != current.result_sha256) {
      return invalid(path,
                     fmt::format("reviews another result.json (sha256 {}) than the current "
                                 "one ({}): its decisions and corrections are not applied",
                                 reviewed_sha.substr(0, 12), current.result_sha256.substr(0, 12)));
    }
    for (const json& saved : document.at("findings")) {
      const std::string id = saved.at("id").get<std::string>();
      const auto at = std::find_if(findings.begin(), findings.end(),
                                   [&](const Finding& f) { return f.id == id; });
      if (at == findings.end()) return invalid(path, "the analysis has no finding '" + id + "'");
      DYNAMUS_RETURN_IF_ERROR(restore(path, saved, *at));
    }
    return Review(document.at("reviewer").get<std::string>(), current, std::move(findings),
                  document.at("created_utc").get<std::string>());
  } catch (const json::exception& error) {
    return invalid(path, fmt::format("not a readable review: {}", error.what()));
  }
}

OpenedReview open_review(const std::filesystem::path& dir, const std::string& reviewer,
                         const Reviewed& current, std::vector<Finding> findings) {
  const std::filesystem::path path = review_path(dir, reviewer);
  Result<Review> loaded = load_review(path, current, findings);
  if (loaded.ok()) return {std::move(loaded).value(), "", true};
  Review fresh(reviewer, current, std::move(findings));
  if (loaded.status().code() == StatusCode::kNotFound) return {std::move(fresh), "", true};
  std::string stamp = utc_now();
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  const std::filesystem::path aside =
      dir / ("review." + safe_reviewer_name(reviewer) + ".stale-" + stamp + ".json");
  std::error_code error;
  std::filesystem::rename(path, aside, error);
  std::string note = loaded.status().to_string();
  note += error ? fmt::format("; it could not be set aside ({}), so this review is not saved",
                              error.message())
                : fmt::format("; kept as {}, a new review starts", aside.filename().string());
  return {std::move(fresh), note, !error};
}

}  // namespace dynamus::review
