#include "study_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "dynamus/batch/discover.h"
#include "dynamus/batch/summary.h"
#include "dynamus/imaging/load.h"
#include "dynamus/review/review_file.h"
#include "dynamus/review/stored_result.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;

constexpr const char* kResultName = "result.json";

bool inside_analysis_folder(const fs::path& path) {
  for (const fs::path& part : path.parent_path())
    if (part.extension() == ".dynamus") return true;
  return false;
}

Study input_study(const fs::path& input) {
  Study study;
  study.row.path = input.string();
  study.analysis_dir = review::default_analysis_dir(input);
  refresh(study);
  return study;
}

}  // namespace

bool is_study_folder(const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) return false;
  if (fs::exists(folder / batch::kSummaryJsonName, error)) return true;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    const auto format = imaging::detect_format(entry.path());
    if (format.ok() && *format == imaging::InputFormat::kImage) return false;
  }
  return true;
}

Result<std::vector<Study>> open_study_folder(const fs::path& folder) {
  std::vector<Study> studies;
  auto summary = batch::read_summary(folder);
  if (summary.ok()) {
    for (batch::StudyRow& row : *summary) {
      Study study;
      study.analysis_dir = row.result_folder.empty() ? review::default_analysis_dir(row.path)
                                                     : folder / row.result_folder;
      study.row = std::move(row);
      refresh(study);
      studies.push_back(std::move(study));
    }
  } else if (summary.status().code() != StatusCode::kNotFound) {
    return summary.status();
  } else {
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<fs::path> inputs, batch::discover_inputs({folder}));
    for (const fs::path& input : inputs)
      if (!inside_analysis_folder(input)) studies.push_back(input_study(input));
  }
  if (studies.empty())
    return Status(StatusCode::kNotFound, "the folder holds no study", folder.string());
  return ranked(std::move(studies));
}

void refresh(Study& study) {
  const fs::path result = study.analysis_dir / kResultName;
  std::error_code error;
  if (fs::exists(result, error)) {
    auto measures = batch::read_measures(result);
    if (measures.ok()) {
      study.row.status = batch::StudyStatus::kDone;
      study.row.measures = std::move(measures).value();
      study.row.error_code = 0;
      study.row.error_message.clear();
    } else {
      study.row.status = batch::StudyStatus::kFailed;
      study.row.error_message = measures.status().to_string();
    }
  } else if (study.row.status == batch::StudyStatus::kDone) {
    study.row.status = batch::StudyStatus::kQueued;  // the folder went away: analyse again
  }
  study.review = review::tally_text(review::review_tallies(study.analysis_dir));
}

std::vector<Study> ranked(std::vector<Study> studies) {
  std::vector<batch::StudyRow> rows;
  std::map<std::string, Study> by_path;
  for (Study& study : studies) {
    rows.push_back(study.row);
    const std::string path = study.row.path;
    by_path.emplace(path, std::move(study));
  }
  std::vector<Study> order;
  for (const batch::StudyRow& row : batch::ranked(std::move(rows))) {
    const auto found = by_path.find(row.path);
    if (found != by_path.end()) order.push_back(std::move(found->second));
    by_path.erase(row.path);
  }
  return order;
}

Result<LoadedStudy> load_study(const fs::path& input, const fs::path& analysis_dir,
                               const imaging::LoadOptions& options) {
  std::optional<review::StoredResult> stored;
  if (!analysis_dir.empty()) {
    auto read = review::read_stored_result(analysis_dir);
    if (read.ok()) {
      stored = std::move(read).value();
    } else if (read.status().code() != StatusCode::kNotFound) {
      return read.status();
    }
  }
  DYNAMUS_ASSIGN_OR_RETURN(imaging::CineLoop loop, imaging::load(input, options));
  if (stored) DYNAMUS_RETURN_IF_ERROR(review::check_input(*stored, loop.source()));
  return LoadedStudy{std::move(loop), std::move(stored)};
}

std::string study_line(const Study& study) {
  const batch::StudyRow& row = study.row;
  const std::string name = fs::path(row.path).filename().string();
  std::string line;
  switch (row.status) {
    case batch::StudyStatus::kDone: {
      const batch::StudyMeasures& m = row.measures;
      line = m.score ? fmt::format("score {:.2f}  ", *m.score) : "no score  ";
      line += m.kind == "none" || m.kind.empty() ? "no tear" : m.kind + " tear";
      if (m.gap_rest_mm && m.gap_peak_mm)
        line += fmt::format("  gap {:.1f} → {:.1f} mm", *m.gap_rest_mm, *m.gap_peak_mm);
      if (m.thickening.value_or(false)) line += "  thickening";
      break;
    }
    case batch::StudyStatus::kFailed:
      line = "failed: " +
             (row.error_message.empty() ? std::string("see the batch") : row.error_message);
      break;
    default:
      line = "not analysed yet";
  }
  return name + "\n" + line + "\n" + study.review;
}

}  // namespace dynamus::view
