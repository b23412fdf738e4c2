#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "dynamus/core/sha256.h"
#include "dynamus/reporting/analysis_folder.h"
#include "dynamus/review/stored_result.h"
#include "dynamus/segmentation/result_json.h"

namespace dynamus::review {
namespace {

using nlohmann::json;

constexpr double kGapToleranceMm = 0.05;

std::string shown(const json& value) { return value.is_null() ? "none" : value.dump(); }

}  // namespace

std::filesystem::path default_analysis_dir(const std::filesystem::path& input) {
  std::filesystem::path path = input;
  if (!path.has_filename()) path = path.parent_path();  // "frames/" names the folder "frames"
  return path.parent_path() / (path.filename().string() + ".dynamus");
}

Result<StoredResult> read_stored_result(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / reporting::kResultFileName;
  if (!std::filesystem::exists(path))
    return Status(StatusCode::kNotFound, "no result.json", dir.string());
  StoredResult stored;
  stored.dir = dir;
  DYNAMUS_ASSIGN_OR_RETURN(stored.sha256, sha256_file(path));
  try {
    std::ifstream in(path);
    stored.document = json::parse(in);
    if (stored.document.at("schema") != segmentation::kResultSchema) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("not a {} document", segmentation::kResultSchema), path.string());
    }
    stored.input_path = stored.document.at("input").at("path").get<std::string>();
    stored.input_sha256 = stored.document.at("input").at("sha256").get<std::string>();
  } catch (const json::exception& error) {
    return Status(StatusCode::kInvalidData, fmt::format("not a readable result: {}", error.what()),
                  path.string());
  }
  Result<segmentation::AnalysisParams> params =
      segmentation::params_from_json(stored.document.value("params", json::object()));
  if (!params.ok()) return params.status().with_context(path.string());
  stored.params = std::move(params).value();
  return stored;
}

Status check_input(const StoredResult& stored, const imaging::SourceInfo& input) {
  if (input.sha256 == stored.input_sha256) return ok_status();
  return Status(StatusCode::kInvalidData,
                fmt::format("is not the input {} analysed (sha256 {}, result.json has {})",
                            (stored.dir / reporting::kResultFileName).string(),
                            input.sha256.substr(0, 12), stored.input_sha256.substr(0, 12)),
                input.path);
}

std::vector<std::string> differences(const json& stored, const json& fresh) {
  std::vector<std::string> lines;
  auto compare = [&](const std::string& what, const json& a, const json& b) {
    if (a != b)
      lines.push_back(fmt::format("{}: {} in result.json, {} now", what, shown(a), shown(b)));
  };
  auto at = [](const json& document, const json::json_pointer& pointer) {
    return document.contains(pointer) ? document.at(pointer) : json(nullptr);
  };
  compare("dynamus_version", at(stored, "/dynamus_version"_json_pointer),
          at(fresh, "/dynamus_version"_json_pointer));
  compare("params_hash", at(stored, "/params_hash"_json_pointer),
          at(fresh, "/params_hash"_json_pointer));
  compare("tear suspected", at(stored, "/tear/suspected"_json_pointer),
          at(fresh, "/tear/suspected"_json_pointer));
  compare("tear kind", at(stored, "/tear/kind"_json_pointer), at(fresh, "/tear/kind"_json_pointer));
  for (const char* phase : {"rest", "peak"}) {
    const json::json_pointer pointer("/tear/gap_mm/" + std::string(phase));
    const json a = at(stored, pointer), b = at(fresh, pointer);
    const bool same = a.is_number() && b.is_number()
                          ? std::abs(a.get<double>() - b.get<double>()) <= kGapToleranceMm
                          : a == b;
    if (!same) compare(fmt::format("tear gap at {} (mm)", phase), a, b);
  }
  return lines;
}

}  // namespace dynamus::review
