// The review model: which findings an analysis offers for review, decisions, corrections with the
// measurements recomputed in mm, and undo.
#include "dynamus/review/review.h"

#include <gtest/gtest.h>

#include "dynamus/review/review_overlay.h"
#include "review_analysis.h"
#include "uniform_loop.h"

namespace dynamus::review {
namespace {

constexpr double kExactMm = 1e-9;  // pure arithmetic on the given coordinates

Review tear_review() {
  return Review("ann", {"resultsha", "scan.dcm", "inputsha"},
                findings(testing::tear_and_thickening()), "2026-12-01T10:00:00Z");
}

TEST(ReviewModel, FindsTheTearAndTheThickeningWithTheirCalipers) {
  const std::vector<Finding> found = findings(testing::tear_and_thickening());
  ASSERT_EQ(found.size(), 2u);
  const Finding& tear = found[0];
  EXPECT_EQ(tear.id, "tear");
  EXPECT_EQ(tear.title, "full tear, score 0.90");
  EXPECT_EQ(tear.key_frame, 2) << "the gap is reported at peak";
  ASSERT_EQ(tear.frames.size(), 3u);
  EXPECT_NEAR(*tear.measurement_mm(2), 2.0, kExactMm);
  EXPECT_NEAR(*tear.region_area_mm2(2), 4.0, kExactMm);
  EXPECT_EQ(tear.decision, Decision::kPending);

  const Finding& thickening = found[1];
  EXPECT_EQ(thickening.id, "thickening");
  EXPECT_EQ(thickening.key_frame, 0);
  ASSERT_TRUE(thickening.frames[0].caliper_mm);
  EXPECT_NEAR((*thickening.frames[0].caliper_mm)[0].x_mm, 2.0, kExactMm)
      << "the caliper the overlay draws, at the thickest point";
  EXPECT_NEAR(*thickening.measurement_mm(0), 2.5, kExactMm);
  EXPECT_FALSE(thickening.region_area_mm2(0));
}

TEST(ReviewModel, TheRegionIsEditedByItsCorners) {
  // The defect's outline as the tear step gives it: a vertex every 0.25 mm along a 2 x 1 mm
  // rectangle, its top edge bowed by 0.05 mm (within the 0.1 mm tolerance).
  segmentation::Analysis analysis = testing::tear_and_thickening();
  std::vector<PointMm> outline;
  for (int i = 0; i < 8; ++i) outline.push_back({4.5 + 0.25 * i, 4.0 + (i == 4 ? 0.05 : 0.0)});
  for (int i = 0; i < 4; ++i) outline.push_back({6.5, 4.0 + 0.25 * i});
  for (int i = 0; i < 8; ++i) outline.push_back({6.5 - 0.25 * i, 5.0});
  for (int i = 0; i < 4; ++i) outline.push_back({4.5, 5.0 - 0.25 * i});
  analysis.tear.frames[2].polygon_mm = outline;
  const Finding tear = findings(analysis)[0];
  const std::vector<PointMm>& region = tear.frames[2].region_mm;
  ASSERT_EQ(region.size(), 4u) << "the four corners";
  EXPECT_NEAR(*tear.region_area_mm2(2), 2.0, kExactMm);
}

TEST(ReviewModel, NoFindingsOnAHealthyAnalysis) {
  segmentation::Analysis healthy = testing::tear_and_thickening();
  healthy.tear.suspected = false;
  healthy.tendon_thickness.thickening.present = false;
  EXPECT_TRUE(findings(healthy).empty());
}

TEST(ReviewModel, MovingACaliperEndRecomputesTheLengthAlongItsAxis) {
  Review review = tear_review();
  // The distal stump end of frame 2 (at x 6.5) moved 1.5 mm distally and 0.7 mm deeper: the gap,
  // measured along the fibres, grows by 1.5 mm, not by the end's whole displacement.
  ASSERT_TRUE(review.correct(0, 2, Handle::kCaliperEnd, 1, {8.0, 5.7}).ok());
  const Finding& tear = review.findings()[0];
  EXPECT_NEAR(*tear.measurement_mm(2), 3.5, kExactMm);
  EXPECT_NEAR(*tear.analysed_measurement_mm(2), 2.0, kExactMm);
  EXPECT_NEAR(*tear.measurement_mm(1), 1.5, kExactMm) << "other frames keep their geometry";
  EXPECT_EQ(tear.corrected_frames(), std::vector<int>{2});
  ASSERT_EQ(tear.corrections.size(), 1u);
  EXPECT_NEAR(tear.corrections[0].from_mm.x_mm, 6.5, kExactMm) << "where the end was";

  // The thickness caliper measures across the fibres: depth only.
  ASSERT_TRUE(review.correct(1, 0, Handle::kCaliperEnd, 1, {2.4, 7.1}).ok());
  EXPECT_NEAR(*review.findings()[1].measurement_mm(0), 3.1, kExactMm);
}

TEST(ReviewModel, MovingARegionVertexRecomputesTheArea) {
  Review review = tear_review();
  // The square's corner (6.5, 6.0) pulled out to (7.5, 7.0): the square plus the triangles
  // (6.5,4)-(7.5,7)-(6.5,6) and (6.5,6)-(7.5,7)-(4.5,6): 4 + 1 + 1 = 6 mm^2.
  ASSERT_TRUE(review.correct(0, 2, Handle::kRegionVertex, 2, {7.5, 7.0}).ok());
  EXPECT_NEAR(*review.findings()[0].region_area_mm2(2), 6.0, kExactMm);
  EXPECT_NEAR(*review.findings()[0].analysed_region_area_mm2(2), 4.0, kExactMm);
}

TEST(ReviewModel, DecisionsCommentsAndTimestamps) {
  Review review = tear_review();
  ASSERT_TRUE(review.decide(0, Decision::kAccepted, "2026-12-01T10:05:00Z").ok());
  ASSERT_TRUE(review.set_comment(1, "echogenic, likely artefact", "2026-12-01T10:06:00Z").ok());
  EXPECT_EQ(review.findings()[0].decision, Decision::kAccepted);
  EXPECT_EQ(review.findings()[0].decided_utc, "2026-12-01T10:05:00Z");
  EXPECT_EQ(review.findings()[1].comment, "echogenic, likely artefact");
  EXPECT_EQ(review.findings()[1].decided_utc, "") << "still pending";
  EXPECT_EQ(review.updated_utc(), "2026-12-01T10:06:00Z");
  ASSERT_TRUE(review.decide(0, Decision::kPending, "2026-12-01T10:07:00Z").ok());
  EXPECT_EQ(review.findings()[0].decided_utc, "");
  EXPECT_EQ(to_string(Decision::kUncertain), "uncertain");
  EXPECT_EQ(decision_from_string("rejected"), Decision::kRejected);
  EXPECT_FALSE(decision_from_string("maybe"));
  const std::string now = utc_now();
  EXPECT_EQ(now.size(), 20u) << now;
  EXPECT_EQ(now.back(), 'Z');
}

TEST(ReviewModel, RefusesHandlesThatDoNotExist) {
  Review review = tear_review();
  EXPECT_EQ(review.decide(5, Decision::kAccepted).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(review.correct(0, 2, Handle::kCaliperEnd, 2, {0, 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(review.correct(0, 2, Handle::kRegionVertex, 4, {0, 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(review.correct(0, 3, Handle::kCaliperEnd, 0, {0, 0}).code(),
            StatusCode::kInvalidArgument)
      << "frame outside the loop";
  EXPECT_EQ(review.correct(1, 0, Handle::kRegionVertex, 0, {0, 0}).code(),
            StatusCode::kInvalidArgument)
      << "a thickening has no region";
}

TEST(ReviewModel, UndoTakesBackTheLatestCorrectionOfAnyFinding) {
  Review review = tear_review();
  ASSERT_TRUE(review.correct(0, 2, Handle::kCaliperEnd, 1, {7.0, 5.0}).ok());
  ASSERT_TRUE(review.correct(1, 0, Handle::kCaliperEnd, 1, {2.0, 7.0}).ok());
  ASSERT_TRUE(review.correct(0, 2, Handle::kCaliperEnd, 1, {7.5, 5.0}).ok());
  EXPECT_NEAR(*review.findings()[0].measurement_mm(2), 3.0, kExactMm) << "the later one wins";
  ASSERT_TRUE(review.undo_correction());
  EXPECT_NEAR(*review.findings()[0].measurement_mm(2), 2.5, kExactMm);
  EXPECT_NEAR(*review.findings()[1].measurement_mm(0), 3.0, kExactMm);
  ASSERT_TRUE(review.undo_correction());
  EXPECT_NEAR(*review.findings()[1].measurement_mm(0), 2.5, kExactMm);
  ASSERT_TRUE(review.undo_correction());
  EXPECT_NEAR(*review.findings()[0].measurement_mm(2), 2.0, kExactMm);
  EXPECT_FALSE(review.undo_correction());
}

TEST(ReviewOverlay, DrawsTheCorrectedGeometryWithItsMeasurement) {
  const segmentation::Analysis analysis = testing::tear_and_thickening();
  const imaging::CineLoop loop = dynamus::testing::uniform_loop(100, 80, 3, 128, {0.1, 0.1}, 20);
  Review review = tear_review();
  ASSERT_TRUE(review.correct(0, 2, Handle::kCaliperEnd, 1, {8.0, 5.0}).ok());
  ASSERT_TRUE(review.correct(0, 2, Handle::kRegionVertex, 0, {4.0, 3.5}).ok());
  ASSERT_TRUE(review.decide(0, Decision::kAccepted).ok());
  overlay::FrameOverlay drawn = overlay::frame_overlay(loop, analysis, 2);
  apply_corrections(review, 2, drawn);
  bool gap_seen = false, thickness_seen = false;
  for (const overlay::Caliper& c : drawn.calipers) {
    if (c.layer == overlay::Layer::kGapCaliper) {
      gap_seen = true;
      EXPECT_NEAR(c.to_mm.x_mm, 8.0, kExactMm);
      EXPECT_EQ(c.label, "gap 3.5 mm, corrected, accepted");
    } else {
      thickness_seen = true;
      EXPECT_EQ(c.label, "thickness 2.5 mm") << "not corrected: as analysed";
    }
  }
  EXPECT_TRUE(gap_seen && thickness_seen);
  ASSERT_EQ(drawn.markers.size(), 2u);
  EXPECT_NEAR(drawn.markers[1].at_mm.x_mm, 8.0, kExactMm) << "the stump-end marker follows";
  for (const overlay::Path& p : drawn.paths) {
    if (p.layer == overlay::Layer::kTearRegion) {
      EXPECT_NEAR(p.points_mm[0].y_mm, 3.5, kExactMm);
    }
  }
  overlay::FrameOverlay other = overlay::frame_overlay(loop, analysis, 1);
  apply_corrections(review, 1, other);
  EXPECT_EQ(other.calipers[0].label, "gap 1.5 mm, accepted") << "frame 1 was not corrected";
}

TEST(ReviewOverlay, TheCaptionReportsTheCorrectedMeasurements) {
  segmentation::Analysis analysis = testing::tear_and_thickening();
  analysis.tendon_thickness.median_mm = 2.0;
  const imaging::CineLoop loop = dynamus::testing::uniform_loop(100, 80, 3, 128, {0.1, 0.1}, 20);
  Review review = tear_review();
  auto caption_at = [&](int frame) {
    return overlay::caption(loop, analysis, frame, caption_measures(review, analysis, frame));
  };
  const std::vector<std::string> before = caption_at(2);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before, overlay::frame_overlay(loop, analysis, 2).caption)
      << "without corrections the caption is the analysis' own";
  EXPECT_EQ(before[1], "full tear suspected, score 0.90  gap 1.0 mm at rest, 2.0 mm at peak");

  // The peak's distal stump end 1.5 mm further: 3.5 mm. Frame 1 (neither rest nor peak): 2.5 mm.
  ASSERT_TRUE(review.correct(0, 2, Handle::kCaliperEnd, 1, {8.0, 5.0}).ok());
  ASSERT_TRUE(review.correct(0, 1, Handle::kCaliperEnd, 1, {7.25, 5.0}).ok());
  // The thickening's caliper at its key frame (rest, frame 0): deep end from 6.5 to 7.0 mm.
  ASSERT_TRUE(review.correct(1, 0, Handle::kCaliperEnd, 1, {2.0, 7.0}).ok());

  const std::string corrected_tear =
      "full tear suspected, score 0.90  gap 1.0 mm at rest, 3.5 mm (corrected from 2.0) at peak";
  EXPECT_EQ(caption_at(2)[1], corrected_tear);
  EXPECT_EQ(caption_at(1)[1], corrected_tear + "  here 2.5 mm (corrected from 1.5)")
      << "a corrected frame between rest and peak shows its own gap too";
  // 3.0 mm where 2.5 was analysed: the ratio to the median follows (1.25 x 3.0 / 2.5).
  EXPECT_EQ(caption_at(0)[2],
            "tendon 2.0 mm (median)  focal thickening 3.0 mm (corrected from 2.5) (1.50x) at x "
            "2.0 mm");
  EXPECT_EQ(caption_at(0)[2], caption_at(2)[2]) << "the key frame's correction shows everywhere";

  ASSERT_TRUE(review.undo_correction());
  ASSERT_TRUE(review.undo_correction());
  ASSERT_TRUE(review.undo_correction());
  EXPECT_EQ(caption_at(1), overlay::frame_overlay(loop, analysis, 1).caption)
      << "undone: as analysed again";
}

TEST(ReviewOverlay, PicksTheNearestHandleAndTheFindingUnderAPoint) {
  const Review review = tear_review();
  // Frame 2: the caliper ends at x 4.5 and 6.5 (depth 5) lie on the square's left and right
  // edges; its vertices are its corners.
  auto end = nearest_handle(review, 0, 2, {6.6, 5.1}, 0.3);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->handle, Handle::kCaliperEnd);
  EXPECT_EQ(end->index, 1);
  auto corner = nearest_handle(review, 0, 2, {6.45, 3.9}, 0.3);
  ASSERT_TRUE(corner);
  EXPECT_EQ(corner->handle, Handle::kRegionVertex);
  EXPECT_EQ(corner->index, 1);
  EXPECT_FALSE(nearest_handle(review, 0, 2, {5.5, 5.0}, 0.3)) << "the middle is no handle";
  EXPECT_EQ(finding_at(review, 2, {5.5, 4.5}, 0.3), 0u) << "inside the tear's region";
  EXPECT_EQ(finding_at(review, 0, {2.05, 5.0}, 0.3), 1u) << "on the thickness caliper";
  EXPECT_FALSE(finding_at(review, 2, {9.0, 1.0}, 0.3));
}

}  // namespace
}  // namespace dynamus::review
