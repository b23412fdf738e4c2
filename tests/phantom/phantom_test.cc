// The phantom's truth against its own images and motion: what the truth says is where the image
// shows it, and a reference tracker run on the images follows the truth's seed trajectories.
#include "dynamus/phantom/phantom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "dynamus/phantom/screen_capture.h"

namespace dynamus::phantom {
namespace {

PhantomParams small(Scenario scenario, std::uint64_t seed = 3) {
  PhantomParams params;
  params.scenario = scenario;
  params.seed = seed;
  params.frames = 30;
  params.width_px = 320;
  params.height_px = 240;
  params.spacing_mm = 0.15;
  return params;
}

cv::Mat frame(const imaging::CineLoop& loop, int index) {
  return cv::Mat(loop.height_px(), loop.width_px(), CV_8UC1,
                 const_cast<std::uint8_t*>(loop.frame(index).data()));
}

cv::Point pixel(const PhantomParams& p, double x_mm, double y_mm) {
  return {int(std::lround(x_mm / p.spacing_mm)), int(std::lround(y_mm / p.spacing_mm))};
}

TEST(Phantom, SameParametersSameLoopOtherSeedOtherLoop) {
  const PhantomParams params = small(Scenario::kFullTear);
  Result<PhantomLoop> a = simulate(params);
  Result<PhantomLoop> b = simulate(params);
  PhantomParams other = params;
  other.seed = 4;
  Result<PhantomLoop> c = simulate(other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(
      std::equal(a->loop.pixels().begin(), a->loop.pixels().end(), b->loop.pixels().begin()));
  EXPECT_EQ(to_json(a->truth), to_json(b->truth));
  EXPECT_FALSE(
      std::equal(a->loop.pixels().begin(), a->loop.pixels().end(), c->loop.pixels().begin()));
}

TEST(Phantom, RetractingTearGapWidensFullTearGapKeepsItsLength) {
  Result<PhantomLoop> retracting = simulate(small(Scenario::kRetractingTear));
  Result<PhantomLoop> full = simulate(small(Scenario::kFullTear));
  ASSERT_TRUE(retracting.ok() && full.ok());
  const Truth& r = retracting->truth;
  const double rest = *r.gap_mm[std::size_t(r.rest_frame)];
  const double peak = *r.gap_mm[std::size_t(r.peak_frame)];
  EXPECT_GT(rest, 2.5);
  EXPECT_LT(rest, 5.5);
  EXPECT_GT(peak, 9.0);
  EXPECT_LT(peak, 10.6);
  for (std::size_t f = 0; f < r.level.size(); ++f) {
    // The gap follows the contraction level.
    EXPECT_NEAR(*r.gap_mm[f], rest + r.level[f] * (peak - rest), 1e-6) << "frame " << f;
  }
  const Truth& t = full->truth;
  // Only the junction's rounded shortening profile strains the tendon, by micrometres.
  EXPECT_NEAR(*t.gap_mm[std::size_t(t.peak_frame)], *t.gap_mm[std::size_t(t.rest_frame)], 0.01);
}

TEST(Phantom, ContractionProfileRestsRampsHoldsAndReleases) {
  Result<PhantomLoop> loop = simulate(small(Scenario::kHealthy));
  ASSERT_TRUE(loop.ok());
  const Truth& t = loop->truth;
  ASSERT_EQ(t.level.size(), 30u);
  EXPECT_EQ(t.level[std::size_t(t.rest_frame)], 0.0);
  EXPECT_EQ(t.level[std::size_t(t.peak_frame)], 1.0);
  EXPECT_EQ(t.level.front(), 0.0);
  EXPECT_LT(t.level.back(), 0.05);
  // Contraction thickens the muscle and steepens its fascicles.
  EXPECT_GT(t.muscle_thickness_mm[std::size_t(t.peak_frame)],
            t.muscle_thickness_mm[std::size_t(t.rest_frame)] * 1.03);
  EXPECT_GT(t.pennation_deg[std::size_t(t.peak_frame)],
            t.pennation_deg[std::size_t(t.rest_frame)] + 1.0);
}

// Where the truth puts the tendon, the image is bright; where it puts the gap, dark.
TEST(Phantom, TruthMatchesTheRenderedImage) {
  const PhantomParams params = small(Scenario::kRetractingTear);
  Result<PhantomLoop> loop = simulate(params);
  ASSERT_TRUE(loop.ok());
  const Truth& t = loop->truth;
  for (int f : {t.rest_frame, t.peak_frame}) {
    const cv::Mat image = frame(loop->loop, f);
    std::vector<double> tendon, muscle;
    for (std::size_t i = 0; i < t.boundary_x_mm.size(); ++i) {
      const auto& up = t.tendon_upper_mm[std::size_t(f)][i];
      const auto& low = t.tendon_lower_mm[std::size_t(f)][i];
      if (!up || !low) continue;
      const double x = t.boundary_x_mm[i];
      for (double y = *up + 0.6; y < *low - 0.6; y += 0.15) {
        tendon.push_back(image.at<std::uint8_t>(pixel(params, x, y)));
      }
      muscle.push_back(image.at<std::uint8_t>(pixel(params, x, *up - 2.0)));
    }
    const double tendon_mean = cv::mean(tendon)[0], muscle_mean = cv::mean(muscle)[0];
    EXPECT_GT(tendon_mean, muscle_mean + 60) << "frame " << f;

    std::vector<cv::Point> polygon;
    for (const PointMm& p : t.tear_polygon_mm[std::size_t(f)]) {
      polygon.push_back(pixel(params, p.x_mm, p.y_mm));
    }
    cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
    cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(255));
    cv::erode(mask, mask, cv::Mat(), cv::Point(-1, -1), 3);  // the inside, clear of the ends
    ASSERT_GT(cv::countNonZero(mask), 50);
    EXPECT_LT(cv::mean(image, mask)[0], 35.0) << "the fluid gap is anechoic, frame " << f;
  }
}

// Pyramidal Lucas-Kanade (OpenCV) follows each seed frame to frame through the contraction;
// its positions stay close to the truth's trajectories, so the speckle moves with the tissue.
TEST(Phantom, ReferenceTrackerFollowsTheSeedTrajectories) {
  PhantomParams params = small(Scenario::kRetractingTear);
  params.jitter_mm = 0.1;
  Result<PhantomLoop> loop = simulate(params);
  ASSERT_TRUE(loop.ok());
  const Truth& t = loop->truth;
  ASSERT_GE(t.seed_trajectories_mm.size(), 12u);
  std::vector<cv::Point2f> points;
  for (const auto& trajectory : t.seed_trajectories_mm) {
    points.emplace_back(float(trajectory[0].x_mm / params.spacing_mm),
                        float(trajectory[0].y_mm / params.spacing_mm));
  }
  std::vector<double> errors_mm;
  for (int f = 1; f < params.frames; ++f) {
    std::vector<cv::Point2f> next;
    std::vector<std::uint8_t> found;
    std::vector<float> error;
    cv::calcOpticalFlowPyrLK(frame(loop->loop, f - 1), frame(loop->loop, f), points, next, found,
                             error, cv::Size(31, 31), 3);
    points = next;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const PointMm& truth = t.seed_trajectories_mm[i][std::size_t(f)];
      errors_mm.push_back(std::hypot(points[i].x * params.spacing_mm - truth.x_mm,
                                     points[i].y * params.spacing_mm - truth.y_mm));
    }
  }
  std::sort(errors_mm.begin(), errors_mm.end());
  const double median = errors_mm[errors_mm.size() / 2];
  const double p95 = errors_mm[errors_mm.size() * 95 / 100];
  std::cout << "LK on the phantom: median " << median << " mm, 95th percentile " << p95 << " mm\n";
  EXPECT_LT(median, 0.15) << "median error, mm";
  EXPECT_LT(p95, 0.5) << "95th percentile, mm";
}

TEST(Phantom, ScreenCapturePutsTheImageAtTheStatedRectangle) {
  Result<PhantomLoop> loop = simulate(small(Scenario::kHealthy));
  ASSERT_TRUE(loop.ok());
  Result<ScreenCapture> screen = screen_capture(loop->loop);
  ASSERT_TRUE(screen.ok());
  const imaging::RegionPx& r = screen->image_px;
  EXPECT_EQ(r.width_px(), 320);
  EXPECT_EQ(r.height_px(), 240);
  const cv::Mat on_screen = frame(screen->loop, 5)(cv::Rect(r.x0, r.y0, 320, 240));
  EXPECT_EQ(cv::norm(on_screen, frame(loop->loop, 5), cv::NORM_INF), 0.0);
}

TEST(Phantom, ImpossibleParametersAreRefused) {
  PhantomParams params = small(Scenario::kHealthy);
  params.frames = 1;
  EXPECT_EQ(simulate(params).status().code(), StatusCode::kInvalidArgument);
  params = small(Scenario::kHealthy);
  params.frequency_mhz = 40.0;
  EXPECT_EQ(simulate(params).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(parse_scenario("sprain").ok());
  EXPECT_EQ(*parse_scenario("partial-tear"), Scenario::kPartialTear);
}

}  // namespace
}  // namespace dynamus::phantom
