#include "dynamus/batch/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dynamus/core/atomic_file.h"
#include "dynamus/core/version.h"

namespace dynamus::batch {
namespace {

using nlohmann::json;

// 0: scored, 1: done without a score, 2: failed or not done.
int rank_group(const StudyRow& row) {
  if (row.status != StudyStatus::kDone) return 2;
  return row.measures.score ? 0 : 1;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string csv_number(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : std::string();
}

json json_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string summary_csv(const std::vector<StudyRow>& rows) {
  std::string csv =
      "rank,path,key,status,kind,score,gap_rest_mm,gap_peak_mm,separation_increase_mm,"
      "tendon_thickness_median_mm,thickening,result_folder,error_code,error\n";
  int rank = 0;
  for (const StudyRow& row : rows) {
    const StudyMeasures& m = row.measures;
    csv += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", ++rank, csv_field(row.path), row.key,
        to_string(row.status), m.kind, csv_number(m.score), csv_number(m.gap_rest_mm),
        csv_number(m.gap_peak_mm), csv_number(m.separation_increase_mm),
        csv_number(m.tendon_thickness_median_mm),
        m.thickening ? (*m.thickening ? "true" : "false") : "", csv_field(row.result_folder),
        row.error_code == 0 ? std::string() : std::to_string(row.error_code),
        csv_field(row.error_message));
  }
  return csv;
}

std::string summary_json(const std::vector<StudyRow>& rows) {
  json studies = json::array();
  int rank = 0;
  for (const StudyRow& row : rows) {
    const StudyMeasures& m = row.measures;
    json study{
        {"rank", ++rank},
        {"path", row.path},
        {"key", row.key},
        {"status", to_string(row.status)},
        {"kind", m.kind.empty() ? json(nullptr) : json(m.kind)},
        {"score", json_number(m.score)},
        {"gap_mm", {{"rest", json_number(m.gap_rest_mm)}, {"peak", json_number(m.gap_peak_mm)}}},
        {"separation_increase_mm", json_number(m.separation_increase_mm)},
        {"tendon_thickness_median_mm", json_number(m.tendon_thickness_median_mm)},
        {"thickening", m.thickening ? json(*m.thickening) : json(nullptr)},
        {"result_folder", row.result_folder.empty() ? json(nullptr) : json(row.result_folder)}};
    study["error"] = row.error_code == 0
                         ? json(nullptr)
                         : json{{"code", row.error_code}, {"message", row.error_message}};
    studies.push_back(std::move(study));
  }
  const json summary{
      {"schema", kSummarySchema}, {"dynamus_version", kVersion}, {"studies", studies}};
  return summary.dump(1) + "\n";
}

std::optional<double> optional_number(const json& object, const json::json_pointer& pointer) {
  if (!object.contains(pointer) || !object.at(pointer).is_number()) return std::nullopt;
  return object.at(pointer).get<double>();
}

std::optional<std::string> optional_text(const json& object, const char* key) {
  if (!object.contains(key) || !object[key].is_string()) return std::nullopt;
  return object[key].get<std::string>();
}

StudyRow summary_row(const json& study) {
  StudyRow row;
  row.path = study.at("path").get<std::string>();
  row.key = optional_text(study, "key").value_or("");
  row.status = study_status_from_string(optional_text(study, "status").value_or(""));
  StudyMeasures& m = row.measures;
  m.kind = optional_text(study, "kind").value_or("");
  m.score = optional_number(study, json::json_pointer("/score"));
  m.gap_rest_mm = optional_number(study, json::json_pointer("/gap_mm/rest"));
  m.gap_peak_mm = optional_number(study, json::json_pointer("/gap_mm/peak"));
  m.separation_increase_mm = optional_number(study, json::json_pointer("/separation_increase_mm"));
  m.tendon_thickness_median_mm =
      optional_number(study, json::json_pointer("/tendon_thickness_median_mm"));
  if (study.contains("thickening") && study["thickening"].is_boolean())
    m.thickening = study["thickening"].get<bool>();
  row.result_folder = optional_text(study, "result_folder").value_or("");
  if (study.contains("error") && study["error"].is_object()) {
    const json& error = study["error"];
    if (error.contains("code") && error["code"].is_number_integer())
      row.error_code = error["code"].get<int>();
    row.error_message = optional_text(error, "message").value_or("");
  }
  return row;
}

}  // namespace

std::vector<StudyRow> ranked(std::vector<StudyRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const StudyRow& a, const StudyRow& b) {
    const int group_a = rank_group(a);
    const int group_b = rank_group(b);
    if (group_a != group_b) return group_a < group_b;
    if (group_a == 0 && *a.measures.score != *b.measures.score)
      return *a.measures.score > *b.measures.score;
    return a.path < b.path;
  });
  return rows;
}

Status write_summary(const std::filesystem::path& dir, const std::vector<StudyRow>& rows) {
  const std::vector<StudyRow> order = ranked(rows);
  DYNAMUS_RETURN_IF_ERROR(write_text_file_atomically(dir / kSummaryCsvName, summary_csv(order)));
  return write_text_file_atomically(dir / kSummaryJsonName, summary_json(order));
}

Result<std::vector<StudyRow>> read_summary(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kSummaryJsonName;
  std::ifstream file(path);
  if (!file) return Status(StatusCode::kNotFound, "no batch summary", path.string());
  const json summary = json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (summary.is_discarded() || !summary.is_object() ||
      summary.value("schema", "") != kSummarySchema || !summary.contains("studies") ||
      !summary["studies"].is_array()) {
    return Status(StatusCode::kInvalidData, "not a dynamus batch summary", path.string());
  }
  std::vector<StudyRow> rows;
  for (const json& study : summary["studies"]) {
    if (!study.is_object() || !study.contains("path") || !study["path"].is_string())
      return Status(StatusCode::kInvalidData, "a study without a path", path.string());
    rows.push_back(summary_row(study));
  }
  return rows;
}

Result<StudyMeasures> read_measures(const std::filesystem::path& result_json) {
  std::ifstream file(result_json);
  const json result = json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded() || !result.is_object() || !result.contains("tear")) {
    return Status(StatusCode::kInvalidData, "not a dynamus analysis result", result_json.string());
  }
  StudyMeasures m;
  const json& tear = result["tear"];
  if (tear.contains("kind") && tear["kind"].is_string()) m.kind = tear["kind"].get<std::string>();
  m.score = optional_number(result, json::json_pointer("/tear/score"));
  m.gap_rest_mm = optional_number(result, json::json_pointer("/tear/gap_mm/rest"));
  m.gap_peak_mm = optional_number(result, json::json_pointer("/tear/gap_mm/peak"));
  m.separation_increase_mm =
      optional_number(result, json::json_pointer("/tear/separation_increase_mm"));
  m.tendon_thickness_median_mm =
      optional_number(result, json::json_pointer("/tendon/thickness_mm/median"));
  const json::json_pointer present("/tendon/thickening/present");
  if (result.contains(present) && result.at(present).is_boolean())
    m.thickening = result.at(present).get<bool>();
  return m;
}

}  // namespace dynamus::batch
