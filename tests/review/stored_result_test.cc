// An analysis folder read back for review: its input and parameters, the input's check, and what
// a fresh analysis changed.
#include "dynamus/review/stored_result.h"

#include <gtest/gtest.h>

#include <fstream>

#include "dynamus/core/sha256.h"
#include "dynamus/core/version.h"
#include "dynamus/segmentation/result_json.h"
#include "review_analysis.h"
#include "temp_dir.h"
#include "uniform_loop.h"

namespace dynamus::review {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

imaging::CineLoop loop() { return dynamus::testing::uniform_loop(100, 80, 3, 128, {0.1, 0.1}, 20); }

json stored_json() {
  imaging::CineLoop l = loop();
  segmentation::AnalysisParams params;
  params.tracker = "dis-fast";
  params.step_px = 8;
  return segmentation::result_json(l, params, testing::tear_and_thickening());
}

TEST(StoredResult, ReadsInputParamsAndTheFilesHash) {
  const dynamus::testing::TempDir dir;
  const std::string text = stored_json().dump(2);
  std::ofstream(dir / "result.json") << text;
  const Result<StoredResult> stored = read_stored_result(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status().to_string();
  EXPECT_EQ(stored->sha256, sha256_hex(text));
  EXPECT_EQ(stored->params.tracker, "dis-fast");
  EXPECT_EQ(stored->params.step_px, 8);
  EXPECT_EQ(stored->input_sha256, loop().source().sha256);
  EXPECT_EQ(stored->reviewed().result_sha256, stored->sha256);
  EXPECT_TRUE(check_input(*stored, loop().source()).ok());

  imaging::SourceInfo other = loop().source();
  other.path = "tampered.dcm";
  other.sha256 = "0123456789abcdef";
  const Status mismatch = check_input(*stored, other);
  EXPECT_EQ(mismatch.code(), StatusCode::kInvalidData);
  EXPECT_EQ(mismatch.context(), "tampered.dcm");
  EXPECT_NE(mismatch.message().find("is not the input"), std::string::npos) << mismatch.message();
}

TEST(StoredResult, RefusesMissingAndMalformedFolders) {
  const dynamus::testing::TempDir dir;
  EXPECT_EQ(read_stored_result(dir.path()).status().code(), StatusCode::kNotFound);
  std::ofstream(dir / "result.json") << "{\"schema\": \"something else\"}";
  EXPECT_EQ(read_stored_result(dir.path()).status().code(), StatusCode::kInvalidData);
  std::ofstream(dir / "result.json") << "{\"schema\": \"dynamus.analysis/1\"}";
  const Status no_input = read_stored_result(dir.path()).status();
  EXPECT_EQ(no_input.code(), StatusCode::kInvalidData);
  EXPECT_EQ(no_input.context(), (dir / "result.json").string());
}

TEST(StoredResult, SaysWhatAFreshAnalysisChanged) {
  const json stored = stored_json();
  EXPECT_TRUE(differences(stored, stored).empty());
  json fresh = stored;
  fresh["tear"]["gap_mm"]["peak"] = stored["tear"]["gap_mm"]["peak"].get<double>() + 0.04;
  EXPECT_TRUE(differences(stored, fresh).empty()) << "within 0.05 mm";
  fresh["tear"]["gap_mm"]["peak"] = 2.5;
  fresh["dynamus_version"] = "9.9.9";
  fresh["tear"]["kind"] = "partial";
  const std::vector<std::string> lines = differences(stored, fresh);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            std::string("dynamus_version: \"") + kVersion + "\" in result.json, \"9.9.9\" now");
  EXPECT_EQ(lines[1], "tear kind: \"full\" in result.json, \"partial\" now");
  EXPECT_EQ(lines[2], "tear gap at peak (mm): 2.0 in result.json, 2.5 now");
}

TEST(StoredResult, DefaultFolderBesideTheInput) {
  EXPECT_EQ(default_analysis_dir("scans/knee.dcm"), fs::path("scans/knee.dcm.dynamus"));
  EXPECT_EQ(default_analysis_dir("scans/frames/"), fs::path("scans/frames.dynamus"));
  EXPECT_EQ(default_analysis_dir("knee.mp4"), fs::path("knee.mp4.dynamus"));
}

}  // namespace
}  // namespace dynamus::review
