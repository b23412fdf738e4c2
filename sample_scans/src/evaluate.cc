#include "dynamus/phantom/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dynamus::phantom {
namespace {

using nlohmann::json;

std::optional<double> number(const json& value) {
  return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
}

std::optional<double> abs_difference(const json& measured, const json& truth) {
  const auto a = number(measured), b = number(truth);
  return a && b ? std::optional<double>(std::abs(*a - *b)) : std::nullopt;
}

// Median over frames of |measured[f] - truth[f]| where both exist.
std::optional<double> median_error(const json& measured, const json& truth) {
  std::vector<double> errors;
  for (std::size_t f = 0; f < measured.size() && f < truth.size(); ++f) {
    if (const auto e = abs_difference(measured[f], truth[f])) errors.push_back(*e);
  }
  if (errors.empty()) return std::nullopt;
  std::nth_element(errors.begin(), errors.begin() + std::ptrdiff_t(errors.size() / 2),
                   errors.end());
  return errors[errors.size() / 2];
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
        sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

std::string expected_kind(const std::string& scenario) {
  if (scenario == "partial-tear") return "partial";
  if (scenario == "full-tear" || scenario == "retracting-tear") return "full";
  return "none";
}

}  // namespace

Result<Evaluation> evaluate(const json& result, const json& truth) {
  if (result.value("schema", "") != "dynamus.analysis/1") {
    return Status(StatusCode::kInvalidData, "not a dynamus.analysis/1 result");
  }
  if (truth.value("schema", "") != "dynamus.truth/1") {
    return Status(StatusCode::kInvalidData, "not a dynamus.truth/1 truth file");
  }
  try {
    const int frames = truth.at("frames").get<int>();
    if (result.at("input").at("frames").get<int>() != frames) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("the result has {} frames, the truth {}",
                                result.at("input").at("frames").get<int>(), frames));
    }
    Evaluation e;
    e.scenario = truth.at("scenario").get<std::string>();
    e.expected_kind = expected_kind(e.scenario);
    const json& tear = result.at("tear");
    e.found_kind = tear.at("suspected").get<bool>() ? tear.at("kind").get<std::string>() : "none";
    e.tear_correct = e.found_kind == e.expected_kind;

    const json& true_contraction = truth.at("contraction");
    const int rest = true_contraction.at("rest_frame").get<int>();
    const int peak = true_contraction.at("peak_frame").get<int>();
    const json& true_gap = truth.at("tear").at("gap_mm");
    if (true_gap.size() == std::size_t(frames)) {
      e.gap_rest_error_mm =
          abs_difference(tear.at("gap_mm").at("rest"), true_gap[std::size_t(rest)]);
      e.gap_peak_error_mm =
          abs_difference(tear.at("gap_mm").at("peak"), true_gap[std::size_t(peak)]);
    }
    e.tendon_thickness_error_mm = median_error(result.at("tendon").at("per_frame_median_mm"),
                                               truth.at("tendon").at("thickness_median_mm"));
    const json& true_thickening = truth.at("tendon").at("thickening");
    const json& thickening = result.at("tendon").at("thickening");
    e.thickening_expected = true_thickening.at("present").get<bool>();
    e.thickening_found = thickening.at("present").get<bool>();
    if (e.thickening_expected && e.thickening_found) {
      e.thickening_location_error_mm =
          abs_difference(thickening.at("x_mm"), true_thickening.at("location_rest_mm").at(0));
    }
    e.muscle_thickness_error_mm =
        median_error(result.at("muscle").at("thickness_mm"), truth.at("muscle").at("thickness_mm"));
    e.pennation_error_deg = median_error(result.at("muscle").at("pennation_deg"),
                                         truth.at("muscle").at("pennation_deg"));
    const json& contraction = result.at("contraction");
    e.rest_frame_error = std::abs(contraction.at("rest_frame").get<int>() - rest);
    e.peak_frame_error = std::abs(contraction.at("peak_frame").get<int>() - peak);
    e.level_correlation = correlation(contraction.at("level").get<std::vector<double>>(),
                                      true_contraction.at("level").get<std::vector<double>>());
    return e;
  } catch (const json::exception& error) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("missing or malformed field: {}", error.what()));
  }
}

json to_json(const Evaluation& e) {
  auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  return {{"scenario", e.scenario},
          {"expected_kind", e.expected_kind},
          {"found_kind", e.found_kind},
          {"tear_correct", e.tear_correct},
          {"gap_rest_error_mm", optional(e.gap_rest_error_mm)},
          {"gap_peak_error_mm", optional(e.gap_peak_error_mm)},
          {"tendon_thickness_error_mm", optional(e.tendon_thickness_error_mm)},
          {"thickening_expected", e.thickening_expected},
          {"thickening_found", e.thickening_found},
          {"thickening_location_error_mm", optional(e.thickening_location_error_mm)},
          {"muscle_thickness_error_mm", optional(e.muscle_thickness_error_mm)},
          {"pennation_error_deg", optional(e.pennation_error_deg)},
          {"rest_frame_error", e.rest_frame_error},
          {"peak_frame_error", e.peak_frame_error},
          {"level_correlation", e.level_correlation}};
}

}  // namespace dynamus::phantom
