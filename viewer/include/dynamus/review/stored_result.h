// An analysis folder read back for review: what its result.json says it analysed and how, so the
// viewer can check the input, re-run the same deterministic analysis (result.json holds no motion
// field, which the motion and strain layers need) and tell when the fresh result differs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/review/review.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::review {

struct StoredResult {
  std::filesystem::path dir;
  std::string sha256;  // of result.json's bytes
  std::string input_path;
  std::string input_sha256;
  segmentation::AnalysisParams params;
  nlohmann::json document;

  Reviewed reviewed() const { return {sha256, input_path, input_sha256}; }
};

// Where the viewer keeps a loop's analysis folder when none is given: "<INPUT>.dynamus" beside
// the input (for a folder of images, beside the folder).
std::filesystem::path default_analysis_dir(const std::filesystem::path& input);

// DIR/result.json. kNotFound when there is none; kInvalidData naming the file when it is not a
// readable dynamus.analysis/1 document.
Result<StoredResult> read_stored_result(const std::filesystem::path& dir);

// kInvalidData naming the input when its sha256 is not the one result.json analysed.
Status check_input(const StoredResult& stored, const imaging::SourceInfo& input);

// For people, one line each: where a fresh result.json differs from the stored one in version,
// parameters or the tear finding (suspected, kind, gap at rest and at peak to 0.05 mm). Empty
// when they agree.
std::vector<std::string> differences(const nlohmann::json& stored, const nlohmann::json& fresh);

}  // namespace dynamus::review
