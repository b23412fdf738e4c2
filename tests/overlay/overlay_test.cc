// The overlay model of a frame from a hand-made analysis: what each layer contributes, where,
// with which label, and that hidden layers are left out.
#include "dynamus/overlay/overlay.h"

#include <gtest/gtest.h>

#include "uniform_loop.h"

namespace dynamus::overlay {
namespace {

imaging::CineLoop three_frames() {
  return testing::uniform_loop(100, 80, 3, 128, {0.1, 0.1}, 20.0);
}

segmentation::Analysis tear_analysis() {
  segmentation::Analysis a;
  a.phases.level = {0.0, 0.5, 1.0};
  a.phases.rest_frame = 0;
  a.phases.peak_frame = 2;
  a.tendon.found = true;
  a.tendon.x_mm = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0};
  // The gap at x = 4 interrupts both surfaces; the ends (x 0 and 7) are the thickest but within
  // 2 mm of the traced tendon's ends.
  const segmentation::DepthProfileMm upper{4.0, 4.0, 4.0, 4.0, std::nullopt, 4.1, 4.1, 4.0};
  const segmentation::DepthProfileMm lower{7.0, 6.0, 6.0, 6.5, std::nullopt, 6.0, 6.0, 7.0};
  a.tendon.upper_mm.assign(3, upper);
  a.tendon.lower_mm.assign(3, lower);
  a.tear.suspected = true;
  a.tear.kind = "full";
  a.tear.score = 0.9;
  a.tear.gap_rest_mm = 1.2;
  a.tear.gap_peak_mm = 2.4;
  a.tear.frames.resize(3);
  a.tear.frames[2].gap_mm = 2.4;
  a.tear.frames[2].proximal_end_mm = segmentation::PointMm{2.0, 5.0};
  a.tear.frames[2].distal_end_mm = segmentation::PointMm{4.4, 5.0};
  a.tear.frames[2].polygon_mm = {{3.5, 4.0}, {4.5, 4.0}, {4.5, 6.0}, {3.5, 6.0}};
  return a;
}

TEST(Overlay, DrawsEachLayerOfATearFrame) {
  const FrameOverlay o = frame_overlay(three_frames(), tear_analysis(), 2);
  int tendon_paths = 0, regions = 0;
  for (const Path& p : o.paths) {
    if (p.layer == Layer::kTendon) ++tendon_paths;
    if (p.layer == Layer::kTearRegion) {
      ++regions;
      EXPECT_TRUE(p.closed);
      ASSERT_TRUE(p.fill.has_value());
      EXPECT_LT(p.fill->a, 255) << "the fill lets the image show through";
    }
  }
  EXPECT_EQ(tendon_paths, 4) << "two surfaces, each split by the gap";
  EXPECT_EQ(regions, 1);
  ASSERT_EQ(o.markers.size(), 2u);
  ASSERT_EQ(o.calipers.size(), 2u) << "gap and thickness";
  EXPECT_EQ(o.calipers[0].label, "gap 2.4 mm");
  EXPECT_EQ(o.calipers[1].label, "thickness 2.0 mm")
      << "the thickest point away from the defect (x 3.5-4.5 mm, and 1 mm beside it): x = 2 mm";
  EXPECT_DOUBLE_EQ(o.calipers[1].from_mm.x_mm, 2.0);
  const FrameOverlay middle = frame_overlay(three_frames(), tear_analysis(), 1);
  ASSERT_EQ(middle.calipers.size(), 1u) << "no defect outlined in frame 1: thickness only";
  EXPECT_EQ(middle.calipers[0].label, "thickness 2.5 mm") << "x = 3 mm, 4.0 to 6.5 mm";
  ASSERT_GE(o.caption.size(), 2u);
  EXPECT_NE(o.caption[0].find("(peak)"), std::string::npos) << o.caption[0];
  EXPECT_NE(o.caption[1].find("gap 1.2 mm at rest, 2.4 mm at peak"), std::string::npos)
      << o.caption[1];
}

TEST(Overlay, LeavesHiddenLayersAndFramesWithoutAFindingOut) {
  LayerSet layers;
  layers.shown[std::size_t(Layer::kTearRegion)] = false;
  layers.shown[std::size_t(Layer::kThicknessCaliper)] = false;
  const FrameOverlay o = frame_overlay(three_frames(), tear_analysis(), 2, layers);
  for (const Path& p : o.paths) EXPECT_NE(p.layer, Layer::kTearRegion);
  ASSERT_EQ(o.calipers.size(), 1u);
  EXPECT_EQ(o.calipers[0].layer, Layer::kGapCaliper);
  const FrameOverlay rest = frame_overlay(three_frames(), tear_analysis(), 0);
  EXPECT_TRUE(rest.markers.empty()) << "no stumps were located in frame 0";
  EXPECT_TRUE(o.arrows.empty()) << "motion is off by default";
}

TEST(Overlay, LegendNamesEveryLayerWithDistinctColours) {
  ASSERT_EQ(legend().size(), std::size_t(kLayerCount));
  for (std::size_t i = 0; i < legend().size(); ++i) {
    EXPECT_EQ(std::size_t(legend()[i].layer), i);
    EXPECT_FALSE(legend()[i].name.empty());
    for (std::size_t j = 0; j < i; ++j) {
      const Rgba a = legend()[i].colour, b = legend()[j].colour;
      EXPECT_GT(std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b), 60)
          << legend()[i].name << " vs " << legend()[j].name;
    }
  }
}

}  // namespace
}  // namespace dynamus::overlay
