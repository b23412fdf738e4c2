// Detectors by name and the merge of a candidate detector's regions into the tear finding, on a
// loop without a tendon (so the in-tree finder measures nothing): the best candidate drives the
// finding, nearby candidates are its regions, far ones are not, and nothing the in-tree finder
// did not measure is reported.
#include "dynamus/segmentation/detector.h"

#include <gtest/gtest.h>

#include "uniform_loop.h"

namespace dynamus::segmentation {
namespace {

// A square of `side_mm` centred at (x_mm, y_mm).
std::vector<PointMm> square(double x_mm, double y_mm, double side_mm) {
  const double h = side_mm / 2;
  return {{x_mm - h, y_mm - h}, {x_mm + h, y_mm - h}, {x_mm + h, y_mm + h}, {x_mm - h, y_mm + h}};
}

double centroid_x(const std::vector<PointMm>& polygon) {
  double sum = 0.0;
  for (const PointMm& p : polygon) sum += p.x_mm;
  return polygon.empty() ? 0.0 : sum / double(polygon.size());
}

class TearFromCandidates : public ::testing::Test {
 protected:
  TearFinding merge(std::vector<Detection> candidates) const {
    return tear_from_candidates({loop_, motion_, phases_, tendon_}, std::move(candidates));
  }
  const imaging::CineLoop loop_ = testing::uniform_loop(64, 48, 4, 100, {0.1, 0.1}, 10.0);
  const imaging::Motion motion_;
  const imaging::ContractionPhases phases_;
  const TendonTrace tendon_;  // not found
};

TEST_F(TearFromCandidates, TheBestCandidateDrivesTheFindingWithItsNeighboursAsRegions) {
  const TearFinding finding = merge({{"d", "full", 0.4, 0, square(2.0, 2.0, 1.0)},
                                     {"d", "full", 0.8, 1, square(2.5, 2.0, 1.0)},
                                     {"d", "full", 0.6, 1, square(3.0, 2.0, 1.0)},
                                     {"d", "full", 0.7, 2, square(20.0, 2.0, 1.0)}});
  EXPECT_EQ(finding.detections.size(), 4u);
  const Tear& tear = finding.tear;
  EXPECT_TRUE(tear.suspected);
  EXPECT_DOUBLE_EQ(tear.score, 0.8);
  EXPECT_EQ(tear.kind, "full");  // the label, as the in-tree finder measured nothing
  EXPECT_FALSE(tear.measured);
  ASSERT_TRUE(tear.location_mm);
  EXPECT_NEAR(tear.location_mm->x_mm, 2.5, 1e-9);
  EXPECT_NEAR(tear.location_mm->y_mm, 2.0, 1e-9);
  ASSERT_EQ(tear.frames.size(), 4u);
  EXPECT_EQ(tear.frames[0].polygon_mm.size(), 4u);                // 0.5 mm away: the same region
  EXPECT_NEAR(centroid_x(tear.frames[1].polygon_mm), 2.5, 1e-9);  // the frame's best
  EXPECT_TRUE(tear.frames[2].polygon_mm.empty());                 // 17.5 mm away: another region
  EXPECT_TRUE(tear.frames[3].polygon_mm.empty());
  for (const TearFrame& frame : tear.frames) EXPECT_FALSE(frame.gap_mm);
  EXPECT_FALSE(tear.gap_rest_mm);
}

TEST_F(TearFromCandidates, AnUnknownLabelIsAPartialTearAndALowScoreNone) {
  EXPECT_EQ(merge({{"d", "lesion", 0.9, 0, square(2.0, 2.0, 1.0)}}).tear.kind, "partial");
  const Tear weak = merge({{"d", "full", 0.3, 0, square(2.0, 2.0, 1.0)}}).tear;
  EXPECT_FALSE(weak.suspected);
  EXPECT_EQ(weak.kind, "none");
  EXPECT_DOUBLE_EQ(weak.score, 0.3);
  EXPECT_FALSE(weak.location_mm);
  const Tear nothing = merge({}).tear;
  EXPECT_FALSE(nothing.suspected);
  EXPECT_EQ(nothing.frames.size(), 4u);
}

TEST(Detectors, TheInTreeFinderIsDefaultAndUnknownNamesAreRefused) {
  Result<std::unique_ptr<Detector>> detector = create_detector("default");
  ASSERT_TRUE(detector.ok());
  EXPECT_EQ((*detector)->name(), "default");
  EXPECT_EQ((*detector)->plugin(), nullptr);
  EXPECT_EQ(create_detector("no-such").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(register_detector("default", {}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dynamus::segmentation
