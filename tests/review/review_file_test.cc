// The review file beside the analysis: exact round trip, one file per reviewer, a review of an
// older result.json refused and set aside, the analysis' own files untouched.
#include "dynamus/review/review_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "review_analysis.h"
#include "temp_dir.h"

namespace dynamus::review {
namespace {

namespace fs = std::filesystem;

const Reviewed kReviewed{"aaaa1111bbbb2222", "scan.dcm", "cccc3333"};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Finding> fresh_findings() { return findings(testing::tear_and_thickening()); }

Review worked_review(const std::string& reviewer) {
  Review review(reviewer, kReviewed, fresh_findings(), "2026-12-01T10:00:00Z");
  EXPECT_TRUE(
      review.correct(0, 2, Handle::kCaliperEnd, 1, {7.25, 5.0}, "2026-12-01T10:01:00Z").ok());
  EXPECT_TRUE(
      review.correct(1, 0, Handle::kCaliperEnd, 0, {2.0, 3.9}, "2026-12-01T10:02:00Z").ok());
  EXPECT_TRUE(
      review.correct(0, 2, Handle::kRegionVertex, 3, {4.4, 6.3}, "2026-12-01T10:03:00Z").ok());
  EXPECT_TRUE(review.decide(0, Decision::kAccepted, "2026-12-01T10:04:00Z").ok());
  EXPECT_TRUE(review.decide(1, Decision::kUncertain, "2026-12-01T10:05:00Z").ok());
  EXPECT_TRUE(review.set_comment(0, "gap \"wider\" distally, ÄÖ ok", "2026-12-01T10:06:00Z").ok());
  return review;
}

TEST(ReviewFile, SavesAndLoadsExactly) {
  const dynamus::testing::TempDir dir;
  const Review review = worked_review("ann");
  ASSERT_TRUE(save_review(review, dir.path()).ok());
  const fs::path path = dir / "review.ann.json";
  ASSERT_TRUE(fs::exists(path));
  const std::string first = read(path);

  Result<Review> loaded = load_review(path, kReviewed, fresh_findings());
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(to_json(*loaded), to_json(review));
  ASSERT_TRUE(save_review(*loaded, dir.path()).ok());
  EXPECT_EQ(read(path), first) << "load + save changes no byte";

  const Finding& tear = loaded->findings()[0];
  EXPECT_EQ(tear.decision, Decision::kAccepted);
  EXPECT_EQ(tear.comment, "gap \"wider\" distally, ÄÖ ok");
  EXPECT_NEAR(*tear.measurement_mm(2), 2.75, 1e-9);
  // Undo follows the order the corrections were made in, across findings, after loading too.
  ASSERT_TRUE(loaded->undo_correction());
  EXPECT_EQ(loaded->findings()[0].corrections.size(), 1u);
  ASSERT_TRUE(loaded->undo_correction());
  EXPECT_TRUE(loaded->findings()[1].corrections.empty());
}

TEST(ReviewFile, RecordsDecisionsReviewerAndCorrectedMeasurements) {
  const dynamus::testing::TempDir dir;
  ASSERT_TRUE(save_review(worked_review("ann"), dir.path()).ok());
  const nlohmann::json saved = nlohmann::json::parse(read(dir / "review.ann.json"));
  EXPECT_EQ(saved.at("schema"), "dynamus.review/1");
  EXPECT_EQ(saved.at("reviewer"), "ann");
  EXPECT_EQ(saved.at("result").at("sha256"), kReviewed.result_sha256);
  EXPECT_EQ(saved.at("input").at("sha256"), kReviewed.input_sha256);
  const nlohmann::json& tear = saved.at("findings").at(0);
  EXPECT_EQ(tear.at("decision"), "accepted");
  EXPECT_EQ(tear.at("decided_utc"), "2026-12-01T10:04:00Z");
  const nlohmann::json& frame = tear.at("corrected_frames").at(0);
  EXPECT_EQ(frame.at("frame"), 2);
  EXPECT_NEAR(frame.at("gap_mm").get<double>(), 2.0, 1e-9);
  EXPECT_NEAR(frame.at("corrected_gap_mm").get<double>(), 2.75, 1e-9);
  EXPECT_NEAR(frame.at("region_area_mm2").get<double>(), 4.0, 1e-9);
  EXPECT_GT(frame.at("corrected_region_area_mm2").get<double>(), 4.0);
  EXPECT_EQ(saved.at("findings").at(1).at("decision"), "uncertain");
}

TEST(ReviewFile, KeepsReviewersApart) {
  const dynamus::testing::TempDir dir;
  ASSERT_TRUE(save_review(worked_review("ann"), dir.path()).ok());
  Review bob("Dr. Bob/ER", kReviewed, fresh_findings());
  ASSERT_TRUE(bob.decide(0, Decision::kRejected).ok());
  ASSERT_TRUE(save_review(bob, dir.path()).ok());
  EXPECT_EQ(review_path(dir.path(), "Dr. Bob/ER"), dir / "review.Dr._Bob_ER.json");
  EXPECT_EQ(safe_reviewer_name("../x"), "_._x");
  EXPECT_EQ(safe_reviewer_name("  "), "anonymous");

  const OpenedReview ann = open_review(dir.path(), "ann", kReviewed, fresh_findings());
  const OpenedReview bob_again = open_review(dir.path(), "Dr. Bob/ER", kReviewed, fresh_findings());
  EXPECT_EQ(ann.review.findings()[0].decision, Decision::kAccepted);
  EXPECT_EQ(bob_again.review.findings()[0].decision, Decision::kRejected);
  EXPECT_EQ(bob_again.review.reviewer(), "Dr. Bob/ER");
  const OpenedReview carol = open_review(dir.path(), "carol", kReviewed, fresh_findings());
  EXPECT_EQ(carol.review.findings()[0].decision, Decision::kPending) << "a new reviewer";
  EXPECT_TRUE(carol.note.empty());
}

TEST(ReviewFile, AReviewOfAnotherResultIsNotApplied) {
  const dynamus::testing::TempDir dir;
  ASSERT_TRUE(save_review(worked_review("ann"), dir.path()).ok());
  const Reviewed newer{"ffff9999eeee8888", "scan.dcm", "cccc3333"};
  const Result<Review> stale = load_review(dir / "review.ann.json", newer, fresh_findings());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(stale.status().message().find("another result.json"), std::string::npos)
      << stale.status().message();
  EXPECT_EQ(stale.status().context(), (dir / "review.ann.json").string());

  const std::string before = read(dir / "review.ann.json");
  const OpenedReview opened = open_review(dir.path(), "ann", newer, fresh_findings());
  EXPECT_EQ(opened.review.findings()[0].decision, Decision::kPending);
  EXPECT_TRUE(opened.review.findings()[0].corrections.empty());
  EXPECT_TRUE(opened.can_save);
  EXPECT_NE(opened.note.find("another result.json"), std::string::npos) << opened.note;
  EXPECT_FALSE(fs::exists(dir / "review.ann.json")) << "set aside, not overwritten later";
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().filename().string().starts_with("review.ann.stale-")) {
      ++kept;
      EXPECT_EQ(read(entry.path()), before);
      EXPECT_NE(opened.note.find(entry.path().filename().string()), std::string::npos);
    }
  }
  EXPECT_EQ(kept, 1);
}

TEST(ReviewFile, RefusesMalformedReviews) {
  const dynamus::testing::TempDir dir;
  const fs::path path = dir / "review.ann.json";
  EXPECT_EQ(load_review(path, kReviewed, fresh_findings()).status().code(), StatusCode::kNotFound);
  std::ofstream(path) << "{\"schema\": \"dynamus.review/1\", \"findings\": [";
  EXPECT_EQ(load_review(path, kReviewed, fresh_findings()).status().code(),
            StatusCode::kInvalidData);
  nlohmann::json wrong = to_json(worked_review("ann"));
  wrong["findings"][0]["corrections"][0]["index"] = 7;
  std::ofstream(path) << wrong.dump();
  const Result<Review> bad = load_review(path, kReviewed, fresh_findings());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(bad.status().message().find("no caliper-end 7"), std::string::npos)
      << bad.status().message();
}

TEST(ReviewFile, TalliesEachReviewersDecisionsForAStudyList) {
  const dynamus::testing::TempDir dir;
  EXPECT_TRUE(review_tallies(dir.path()).empty());
  EXPECT_EQ(tally_text({}), "not reviewed");
  ASSERT_TRUE(save_review(worked_review("ann"), dir.path()).ok());  // accepted, uncertain
  ASSERT_TRUE(save_review(Review("bob", kReviewed, fresh_findings()), dir.path()).ok());
  std::ofstream(dir / "review.old.stale-2026-12-01T09:00:00Z.json")
      << read(dir / "review.ann.json");
  std::ofstream(dir / "review.junk.json") << "{\"schema\": \"something else\"}";
  const std::vector<ReviewTally> tallies = review_tallies(dir.path());
  ASSERT_EQ(tallies.size(), 2u) << "the stale and the foreign file left out";
  EXPECT_EQ(tallies[0].reviewer, "ann");
  EXPECT_EQ(tallies[0].decisions, (std::array<int, 4>{0, 1, 0, 1}));
  EXPECT_EQ(tallies[0].updated_utc, "2026-12-01T10:06:00Z");
  EXPECT_EQ(tallies[1].decisions, (std::array<int, 4>{2, 0, 0, 0}));
  EXPECT_EQ(tally_text(tallies), "ann: 1 accepted, 1 uncertain; bob: 2 pending");
}

TEST(ReviewFile, NeverTouchesTheAnalysisFiles) {
  const dynamus::testing::TempDir dir;
  std::ofstream(dir / "result.json") << "{\"schema\": \"dynamus.analysis/1\"}\n";
  const std::string before = read(dir / "result.json");
  ASSERT_TRUE(save_review(worked_review("result"), dir.path()).ok());
  EXPECT_EQ(read(dir / "result.json"), before)
      << "a reviewer named 'result' writes review.result.json";
  EXPECT_TRUE(fs::exists(dir / "review.result.json"));
}

}  // namespace
}  // namespace dynamus::review
