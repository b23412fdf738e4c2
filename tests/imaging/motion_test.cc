// Tracking against the phantom's exact motion: end-point error of the default tracker against
// OpenCV's references on speckle frame pairs, trajectories through whole loops, drift when the
// loop returns to rest, and the contraction phases found from motion alone.
#include "dynamus/imaging/motion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/phantom/phantom.h"
#include "realdata.h"

namespace dynamus::imaging {
namespace {

phantom::PhantomParams loop_params(std::uint64_t seed, double spacing_mm, double jitter_mm,
                                   int frames) {
  phantom::PhantomParams p;
  p.scenario = phantom::Scenario::kRetractingTear;
  p.seed = seed;
  p.frames = frames;
  p.width_px = 320;
  p.height_px = 240;
  p.spacing_mm = spacing_mm;
  p.jitter_mm = jitter_mm;
  return p;
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[std::size_t(q * double(values.size() - 1))];
}

// Mean end-point error (mm) at the grid nodes, away from the fluid gap and the borders.
double pair_error_mm(const Tracker& tracker, const phantom::PhantomParams& p,
                     const phantom::PhantomLoop& loop, int frame) {
  const FlowField field = *tracker.track(loop.loop.frame(frame), loop.loop.frame(frame + 1),
                                         p.width_px, p.height_px, 8);
  std::vector<phantom::PointMm> nodes;
  for (int r = 0; r < field.rows; ++r) {
    for (int c = 0; c < field.cols; ++c) {
      nodes.push_back({field.node_x_px(c) * p.spacing_mm, field.node_y_px(r) * p.spacing_mm});
    }
  }
  const auto truth = *phantom::true_positions(p, nodes, frame, frame + 1);
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const auto& q : loop.truth.tear_polygon_mm[std::size_t(frame)]) {
    x0 = std::min(x0, q.x_mm), x1 = std::max(x1, q.x_mm);
    y0 = std::min(y0, q.y_mm), y1 = std::max(y1, q.y_mm);
  }
  const double border_mm = 2.0, clearance_mm = 1.5;
  double sum = 0.0;
  int count = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const phantom::PointMm& n = nodes[i];
    const bool near_gap = n.x_mm > x0 - clearance_mm && n.x_mm < x1 + clearance_mm &&
                          n.y_mm > y0 - clearance_mm && n.y_mm < y1 + clearance_mm;
    const bool near_border = n.x_mm < border_mm || n.y_mm < border_mm ||
                             n.x_mm > p.width_px * p.spacing_mm - border_mm ||
                             n.y_mm > p.height_px * p.spacing_mm - border_mm;
    if (near_gap || near_border) continue;
    sum += std::hypot(field.dx_px[i] * p.spacing_mm - (truth[i].x_mm - n.x_mm),
                      field.dy_px[i] * p.spacing_mm - (truth[i].y_mm - n.y_mm));
    ++count;
  }
  return sum / count;
}

TEST(Motion, DefaultTrackerHasLowerEndPointErrorThanEveryOpenCvReference) {
  for (double jitter_mm : {0.0, 0.1}) {
    const phantom::PhantomParams p = loop_params(11, 0.1, jitter_mm, 30);
    const phantom::PhantomLoop loop = *phantom::simulate(p);
    std::vector<std::pair<std::string, double>> errors;
    for (const std::string& name : tracker_names()) {
      const auto tracker = std::move(create_tracker(name).value());
      double sum = 0.0;
      for (int f : {6, 10, 14, 18, 22}) sum += pair_error_mm(*tracker, p, loop, f);
      errors.emplace_back(name, sum / 5);
      std::cout << "jitter " << jitter_mm << " mm, " << name << ": mean EPE "
                << errors.back().second << " mm\n";
    }
    for (std::size_t i = 1; i < errors.size(); ++i) {
      EXPECT_LT(errors[0].second, errors[i].second)
          << "default vs " << errors[i].first << ", jitter " << jitter_mm;
    }
  }
}

struct LoopCase {
  std::uint64_t seed;
  double spacing_mm;
  double jitter_mm;
};

class MotionLoop : public ::testing::TestWithParam<LoopCase> {};

// 100-frame loops that contract once and return to rest, three spacings, with and without jitter.
TEST_P(MotionLoop, TrajectoriesDriftAndPhasesMatchTheTruth) {
  const LoopCase c = GetParam();
  const phantom::PhantomParams p = loop_params(c.seed, c.spacing_mm, c.jitter_mm, 100);
  const phantom::PhantomLoop loop = *phantom::simulate(p);
  const auto tracker = std::move(create_tracker("default").value());
  const Motion motion = *track(loop.loop, *tracker);

  const auto& truth = loop.truth.seed_trajectories_mm;
  std::vector<std::array<double, 2>> starts;
  for (const auto& t : truth) starts.push_back({t[0].x_mm, t[0].y_mm});
  const Trajectories tracked = *trajectories(loop.loop, motion, starts);
  std::vector<double> errors, end_errors;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    for (int f = 0; f < p.frames; ++f) {
      errors.push_back(std::hypot(tracked[i][std::size_t(f)].x_mm - truth[i][std::size_t(f)].x_mm,
                                  tracked[i][std::size_t(f)].y_mm - truth[i][std::size_t(f)].y_mm));
    }
    end_errors.push_back(errors.back());
  }
  const double median = quantile(errors, 0.5), p95 = quantile(errors, 0.95);
  const double drift = quantile(end_errors, 0.5);
  const double worst = quantile(errors, 1.0);
  std::cout << "seed " << c.seed << ", " << c.spacing_mm << " mm/px, jitter " << c.jitter_mm
            << " mm: trajectory median " << median << " mm, p95 " << p95 << " mm, drift at rest "
            << drift << " mm, worst " << worst << " mm\n";
  EXPECT_LE(median, 0.1);
  EXPECT_LE(p95, 0.3);
  EXPECT_LE(drift, 0.05) << "median distance from the truth when the loop is back at rest";
  // No point may lose its track: a false match that slid along the tendon's fibrils once put
  // single points 1-2 mm off for tens of frames.
  EXPECT_LE(worst, 0.3) << "the worst point in the worst frame";

  const ContractionPhases phases = *contraction_phases(motion);
  EXPECT_NEAR(phases.rest_frame, loop.truth.rest_frame, 2);
  EXPECT_NEAR(phases.peak_frame, loop.truth.peak_frame, 2);
  double mean_a = 0, mean_b = 0;
  for (int f = 0; f < p.frames; ++f) {
    mean_a += loop.truth.level[std::size_t(f)] / p.frames;
    mean_b += phases.level[std::size_t(f)] / p.frames;
  }
  double sab = 0, saa = 0, sbb = 0;
  for (int f = 0; f < p.frames; ++f) {
    const double a = loop.truth.level[std::size_t(f)] - mean_a;
    const double b = phases.level[std::size_t(f)] - mean_b;
    sab += a * b, saa += a * a, sbb += b * b;
  }
  EXPECT_GE(sab / std::sqrt(saa * sbb), 0.95) << "correlation with the true contraction level";
  ASSERT_EQ(phases.cycle_starts.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Phantom, MotionLoop,
                         ::testing::Values(LoopCase{1, 0.10, 0.0}, LoopCase{2, 0.12, 0.1},
                                           LoopCase{3, 0.08, 0.1}, LoopCase{4, 0.10, 0.1},
                                           LoopCase{5, 0.12, 0.0}, LoopCase{6, 0.08, 0.0}));

TEST(Motion, UnknownTrackerAndUncalibratedPointsAreRefused) {
  EXPECT_EQ(create_tracker("magic").status().code(), StatusCode::kInvalidArgument);
  phantom::PhantomParams p = loop_params(1, 0.1, 0.0, 3);
  const phantom::PhantomLoop loop = *phantom::simulate(p);
  CineLoop::Parts parts;
  parts.width_px = loop.loop.width_px();
  parts.height_px = loop.loop.height_px();
  parts.frame_count = loop.loop.frame_count();
  parts.pixels.assign(loop.loop.pixels().begin(), loop.loop.pixels().end());
  parts.region_px = loop.loop.region_px();
  parts.source = loop.loop.source();
  const CineLoop uncalibrated = *CineLoop::create(std::move(parts));
  const auto tracker = std::move(create_tracker("default").value());
  const Motion motion = *track(uncalibrated, *tracker);
  const std::array<double, 2> point{10.0, 10.0};
  EXPECT_EQ(trajectories(uncalibrated, motion, std::span(&point, 1)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dynamus::imaging

namespace dynamus::imaging {
namespace {

// Real loops: tracking runs through them and reports how consistent and how trackable it was.
TEST(MotionRealData, TracksRealLoopsAndReportsConsistency) {
  for (const char* file :
       {"plus/NwirePhantomFreehandCropped.igs.mha",
        "plus/SegmentationTest_BKMedical_RandomStepperMotionData2_Trimmed.igs.mha",
        "plus/WaterTankBottomTranslationVideoBuffer.igs.mha", "plus/Prostate10_video.igs.mhd",
        "dicom/us_mf_jpegbaseline_ybr422_34f_hp_regions.dcm",
        "dicom/us_mf_jpegbaseline_ybr422_87f_ge_regions.dcm",
        "dicom/us_mf_jpegbaseline_ybr422_30f_sonosite_regions.dcm"}) {
    const std::filesystem::path path = testing::realdata_file(file);
    if (path.empty()) GTEST_SKIP() << "real data " << file << " not found";
    const CineLoop loop = *load(path);
    const auto tracker = std::move(create_tracker("default").value());
    Result<Motion> motion = track(loop, *tracker);
    ASSERT_TRUE(motion.ok()) << file << ": " << motion.status().to_string();
    EXPECT_EQ(motion->pairs.size(), std::size_t(loop.frame_count() - 1)) << file;
    EXPECT_TRUE(std::isfinite(motion->forward_backward_error_px)) << file;
    EXPECT_GT(motion->trackable_share, 0.0f) << file;
    std::cout << file << ": " << 100 * motion->trackable_share
              << " % trackable, forward-backward error " << motion->forward_backward_error_px
              << " px\n";
    EXPECT_TRUE(contraction_phases(*motion).ok()) << file;
  }
}

}  // namespace
}  // namespace dynamus::imaging
