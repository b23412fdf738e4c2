// The summary's order (score, then path; failures last), CSV quoting, and reading result.json.
#include "dynamus/batch/summary.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "read_text.h"
#include "temp_dir.h"

namespace dynamus::batch {
namespace {

StudyRow row(const std::string& path, StudyStatus status, std::optional<double> score) {
  StudyRow r;
  r.path = path;
  r.key = path.substr(1, 1);
  r.status = status;
  r.measures.score = score;
  if (status == StudyStatus::kFailed) {
    r.error_code = 4;
    r.error_message = "truncated, \"badly\"";
  }
  return r;
}

TEST(Summary, RanksByScoreThenPathWithUnscoredAndFailedLast) {
  const std::vector<StudyRow> order =
      ranked({row("/f", StudyStatus::kFailed, std::nullopt), row("/b", StudyStatus::kDone, 0.5),
              row("/u", StudyStatus::kDone, std::nullopt), row("/a", StudyStatus::kDone, 0.5),
              row("/c", StudyStatus::kDone, 0.9), row("/q", StudyStatus::kQueued, std::nullopt)});
  std::string paths;
  for (const StudyRow& r : order) paths += r.path;
  EXPECT_EQ(paths, "/c/a/b/u/f/q");
}

TEST(Summary, WritesQuotedCsvAndJsonWithTheSameRows) {
  testing::TempDir dir;
  StudyRow done = row("/a,b.dcm", StudyStatus::kDone, 0.75);
  done.measures.kind = "full";
  done.measures.gap_rest_mm = 3.5;
  done.measures.thickening = true;
  ASSERT_TRUE(
      write_summary(dir.path(), {row("/f", StudyStatus::kFailed, std::nullopt), done}).ok());
  const std::string csv = testing::read_text(dir / kSummaryCsvName);
  EXPECT_NE(csv.find("\n1,\"/a,b.dcm\",a,done,full,0.75,3.5,,,,true,,,\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\n2,/f,f,failed,,,,,,,,,4,\"truncated, \"\"badly\"\"\"\n"), std::string::npos)
      << csv;
  const nlohmann::json json = nlohmann::json::parse(testing::read_text(dir / kSummaryJsonName));
  EXPECT_EQ(json["schema"], kSummarySchema);
  ASSERT_EQ(json["studies"].size(), 2u);
  EXPECT_EQ(json["studies"][0]["gap_mm"]["rest"], 3.5);
  EXPECT_TRUE(json["studies"][0]["gap_mm"]["peak"].is_null());
  EXPECT_EQ(json["studies"][1]["error"]["code"], 4);
}

TEST(Summary, ReadsBackWhatItWroteInItsOrder) {
  testing::TempDir dir;
  StudyRow done = row("/a,b.dcm", StudyStatus::kDone, 0.75);
  done.measures = {"full", 0.75, 3.5, 9.25, 5.75, 4.5, true};
  done.result_folder = "studies/a";
  const std::vector<StudyRow> written{row("/f", StudyStatus::kFailed, std::nullopt), done,
                                      row("/q", StudyStatus::kQueued, std::nullopt)};
  ASSERT_TRUE(write_summary(dir.path(), written).ok());
  const auto read = read_summary(dir.path());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_EQ(read->size(), 3u);
  const StudyRow& first = (*read)[0];
  EXPECT_EQ(first.path, "/a,b.dcm") << "ranked: the scored study first";
  EXPECT_EQ(first.key, "a");
  EXPECT_EQ(first.status, StudyStatus::kDone);
  EXPECT_EQ(first.measures.kind, "full");
  EXPECT_EQ(first.measures.score, 0.75);
  EXPECT_EQ(first.measures.gap_rest_mm, 3.5);
  EXPECT_EQ(first.measures.gap_peak_mm, 9.25);
  EXPECT_EQ(first.measures.separation_increase_mm, 5.75);
  EXPECT_EQ(first.measures.tendon_thickness_median_mm, 4.5);
  EXPECT_EQ(first.measures.thickening, true);
  EXPECT_EQ(first.result_folder, "studies/a");
  EXPECT_EQ((*read)[1].status, StudyStatus::kFailed);
  EXPECT_EQ((*read)[1].error_code, 4);
  EXPECT_EQ((*read)[1].error_message, "truncated, \"badly\"");
  EXPECT_FALSE((*read)[1].measures.score);
  EXPECT_EQ((*read)[2].status, StudyStatus::kQueued);

  EXPECT_EQ(read_summary(dir / "missing").status().code(), StatusCode::kNotFound);
  std::filesystem::create_directories(dir / "other");
  std::ofstream(dir / "other" / kSummaryJsonName) << R"({"schema": "dynamus.analysis/1"})";
  const auto other = read_summary(dir / "other");
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(other.status().to_string().find(kSummaryJsonName), std::string::npos);
}

TEST(Summary, ReadsTheMeasuresOfAResultAndRefusesOtherJson) {
  testing::TempDir dir;
  std::ofstream(dir / "result.json") << R"({"schema": "dynamus.analysis/1",
    "tear": {"kind": "partial", "score": 0.6, "gap_mm": {"rest": 4.6, "peak": null},
             "separation_increase_mm": 0.1},
    "tendon": {"thickness_mm": {"median": 2.5}, "thickening": {"present": true}}})";
  const Result<StudyMeasures> m = read_measures(dir / "result.json");
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ(m->kind, "partial");
  EXPECT_EQ(m->score, 0.6);
  EXPECT_EQ(m->gap_rest_mm, 4.6);
  EXPECT_FALSE(m->gap_peak_mm.has_value());
  EXPECT_EQ(m->separation_increase_mm, 0.1);
  EXPECT_EQ(m->tendon_thickness_median_mm, 2.5);
  EXPECT_EQ(m->thickening, std::optional<bool>(true));
  std::ofstream(dir / "other.json") << "[1, 2";
  EXPECT_EQ(read_measures(dir / "other.json").status().code(), StatusCode::kInvalidData);
}

}  // namespace
}  // namespace dynamus::batch
