// The tendon trace, its thickness and tear detection against the phantom's exact truth: every
// scenario on three seeds, spacings 0.08-0.12 mm/px, with and without probe jitter.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "scenario_run.h"

namespace dynamus::segmentation {
namespace {

using phantom::Scenario;
using testing::ScenarioRun;

struct Case {
  std::uint64_t seed;
  double spacing_mm;
  double jitter_mm;
};
// Three seeds, the spacing range's ends and middle, jitter on one of them.
const Case kCases[] = {{1, 0.08, 0.0}, {2, 0.10, 0.1}, {3, 0.12, 0.0}};

ScenarioRun run(Scenario scenario, const Case& c) {
  return testing::run_scenario(
      testing::scenario_params(scenario, c.seed, c.spacing_mm, c.jitter_mm, 40));
}

std::string name(const Case& c) {
  return "seed " + std::to_string(c.seed) + ", " + std::to_string(c.spacing_mm) +
         " mm/px, jitter " + std::to_string(c.jitter_mm) + " mm";
}

void expect_common(const ScenarioRun& r, const Case& c) {
  const testing::ScenarioErrors e = testing::errors_of(r);
  ASSERT_TRUE(r.tendon.found) << name(c) << ": " << r.tendon.not_found_reason;
  // Issue 5: thickness within 0.15 mm (median over frames of the per-frame median's error).
  EXPECT_LE(e.thickness_error_mm, 0.15) << name(c);
  EXPECT_EQ(r.tear.frames.size(), std::size_t(r.phantom.loop.frame_count())) << name(c);
  EXPECT_EQ(r.thickness.per_frame_median_mm.size(), std::size_t(r.phantom.loop.frame_count()));
}

TEST(Tendon, HealthyTendonIsTracedWithoutTearOrThickening) {
  for (const Case& c : kCases) {
    const ScenarioRun r = run(Scenario::kHealthy, c);
    expect_common(r, c);
    EXPECT_FALSE(r.tear.suspected) << name(c) << " score " << r.tear.score;
    EXPECT_EQ(r.tear.kind, "none");
    EXPECT_FALSE(r.thickness.thickening.present)
        << name(c) << " ratio " << r.thickness.thickening.ratio;
  }
}

TEST(Tendon, TendinopathyShowsFocalHypoechoicThickeningWithin2mmAndNoTear) {
  for (const Case& c : kCases) {
    const ScenarioRun r = run(Scenario::kTendinopathy, c);
    expect_common(r, c);
    EXPECT_FALSE(r.tear.suspected) << name(c) << " score " << r.tear.score;
    const Thickening& t = r.thickness.thickening;
    ASSERT_TRUE(t.present) << name(c) << " ratio " << t.ratio;
    EXPECT_GE(t.ratio, 1.25);
    EXPECT_NEAR(t.x_mm, r.phantom.truth.thickening_centre_rest_mm->x_mm, 2.0) << name(c);
    EXPECT_LT(t.echogenicity_ratio, 0.9) << name(c);  // the swollen segment is hypoechoic
  }
}

// Gap: the 0.3 mm at rest and at peak. Measured worst case over these cases and the
// evaluation table (seeds 1-3, 0.08/0.12 mm/px, jitter 0/0.1 mm): 0.15 mm; over seeds 1-9,
// 0.28 mm (docs/analysis.md).
TEST(Tear, RetractingTearIsFullAndItsGapFollowsTheStumps) {
  for (const Case& c : kCases) {
    const ScenarioRun r = run(Scenario::kRetractingTear, c);
    expect_common(r, c);
    const testing::ScenarioErrors e = testing::errors_of(r);
    ASSERT_TRUE(r.tear.suspected) << name(c);
    EXPECT_EQ(r.tear.kind, "full");
    EXPECT_LE(r.tear.fibre_continuity, 0.5) << name(c);  // fluid: 0.2-0.45 of the tendon's
    EXPECT_LE(*e.gap_rest_error_mm, 0.3) << name(c);
    EXPECT_LE(*e.gap_peak_error_mm, 0.3) << name(c);
    ASSERT_TRUE(r.tear.separation_increase_mm);
    EXPECT_GT(*r.tear.separation_increase_mm, 4.0) << name(c);  // truth: about 5-7 mm
    EXPECT_GE(r.tear.score, 0.5);
  }
}

TEST(Tear, FullTearIsFoundWithItsGap) {
  for (const Case& c : kCases) {
    const ScenarioRun r = run(Scenario::kFullTear, c);
    expect_common(r, c);
    const testing::ScenarioErrors e = testing::errors_of(r);
    ASSERT_TRUE(r.tear.suspected) << name(c);
    EXPECT_EQ(r.tear.kind, "full");
    EXPECT_LE(r.tear.fibre_continuity, 0.5) << name(c);
    EXPECT_LE(*e.gap_rest_error_mm, 0.3) << name(c);
    EXPECT_LE(*e.gap_peak_error_mm, 0.3) << name(c);
    ASSERT_TRUE(r.tear.location_mm);
    EXPECT_NEAR(r.tear.location_mm->x_mm, r.phantom.truth.tear_centre_rest_mm->x_mm, 1.0);
  }
}

TEST(Tear, PartialCleftIsReportedAsPartial) {
  for (const Case& c : kCases) {
    const ScenarioRun r = run(Scenario::kPartialTear, c);
    expect_common(r, c);
    const testing::ScenarioErrors e = testing::errors_of(r);
    ASSERT_TRUE(r.tear.suspected) << name(c);
    EXPECT_EQ(r.tear.kind, "partial");
    EXPECT_GT(r.tear.interrupted_fraction, 0.3);
    EXPECT_LT(r.tear.interrupted_fraction, 0.9);
    EXPECT_LE(r.tear.fibre_continuity, 0.6) << name(c);  // the cleft's fluid, some fibres above
    EXPECT_LE(*e.gap_rest_error_mm, 0.3) << name(c);
    EXPECT_LE(*e.gap_peak_error_mm, 0.3) << name(c);
  }
}

TEST(Tendon, LoopWithoutABrightBandIsNotFoundWithAReason) {
  imaging::CineLoop::Parts parts;
  parts.width_px = 200;
  parts.height_px = 150;
  parts.frame_count = 2;
  parts.pixels.assign(std::size_t(2 * 200 * 150), 40);
  parts.calibration.source = imaging::CalibrationSource::kUser;
  parts.calibration.spacing_mm = std::array<double, 2>{0.1, 0.1};
  parts.region_px = {0, 0, 199, 149};
  parts.source.width_px = 200;
  parts.source.height_px = 150;
  auto loop = imaging::CineLoop::create(parts);
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  imaging::Motion motion;
  imaging::ContractionPhases phases;
  phases.level = {0.0, 0.0};
  auto trace = trace_tendon(*loop, motion, phases);
  ASSERT_TRUE(trace.ok());
  EXPECT_FALSE(trace->found);
  EXPECT_FALSE(trace->not_found_reason.empty());
  auto tear = find_tear(*loop, motion, phases, *trace);
  ASSERT_TRUE(tear.ok());
  EXPECT_FALSE(tear->suspected);
  EXPECT_EQ(tear->frames.size(), 2u);

  parts.calibration = {};
  auto uncalibrated = imaging::CineLoop::create(parts);
  ASSERT_TRUE(uncalibrated.ok()) << uncalibrated.status().to_string();
  EXPECT_EQ(trace_tendon(*uncalibrated, motion, phases).status().code(),
            StatusCode::kInvalidArgument);
}

// One frame of `rows` x `cols` at 0.1 mm/px: dark background, a bright band over rows [top, bottom)
// whose texture is `texture(row, col)`.
template <typename Texture>
imaging::CineLoop band_frame(int rows, int cols, int top, int bottom, Texture texture) {
  imaging::CineLoop::Parts parts;
  parts.width_px = cols;
  parts.height_px = rows;
  parts.frame_count = 1;
  parts.pixels.assign(std::size_t(rows * cols), 40);
  for (int r = top; r < bottom; ++r) {
    for (int c = 0; c < cols; ++c) parts.pixels[std::size_t(r * cols + c)] = texture(r, c);
  }
  parts.calibration.source = imaging::CalibrationSource::kUser;
  parts.calibration.spacing_mm = std::array<double, 2>{0.1, 0.1};
  parts.region_px = {0, 0, cols - 1, rows - 1};
  parts.source.width_px = cols;
  parts.source.height_px = rows;
  return *imaging::CineLoop::create(parts);
}

TEST(Tendon, BandThickerThanAnyTendonIsNotFoundWithAReason) {
  // A 20 mm bright band (a heart wall, a liver): bright enough, but no tendon is that thick.
  const imaging::CineLoop loop =
      band_frame(400, 200, 100, 300, [](int, int) { return std::uint8_t{200}; });
  imaging::ContractionPhases phases;
  phases.level = {0.0};
  auto trace = trace_tendon(loop, imaging::Motion{}, phases);
  ASSERT_TRUE(trace.ok());
  EXPECT_FALSE(trace->found);
  EXPECT_NE(trace->not_found_reason.find("not a tendon"), std::string::npos)
      << trace->not_found_reason;
}

TEST(Tendon, BandWithoutFibrillarTextureIsNotATendon) {
  // A 6 mm bright band of isotropic blobs (a vessel wall, an organ's parenchyma): the right
  // thickness, but nothing runs along it. The same band with fibrils along it is a tendon.
  constexpr int kRows = 300, kCols = 300, kTop = 120, kBottom = 180;
  cv::Mat blobs(kRows, kCols, CV_32F);
  cv::randn(blobs, 0.0, 1.0);
  cv::GaussianBlur(blobs, blobs, cv::Size(0, 0), 2.0);  // 0.2 mm round blobs
  cv::normalize(blobs, blobs, 140.0, 250.0, cv::NORM_MINMAX);
  imaging::ContractionPhases phases;
  phases.level = {0.0};

  const imaging::CineLoop isotropic = band_frame(kRows, kCols, kTop, kBottom, [&](int r, int c) {
    return std::uint8_t(blobs.at<float>(r, c));
  });
  auto trace = trace_tendon(isotropic, imaging::Motion{}, phases);
  ASSERT_TRUE(trace.ok());
  EXPECT_FALSE(trace->found);
  EXPECT_NE(trace->not_found_reason.find("no fibrillar texture"), std::string::npos)
      << trace->not_found_reason;

  // Fibrils: bright lines 0.4 mm apart along the band, with the same blobs along them.
  const imaging::CineLoop fibrillar = band_frame(kRows, kCols, kTop, kBottom, [&](int r, int c) {
    const double fibril = 0.5 + 0.5 * std::cos(2.0 * std::numbers::pi * r / 4.0);
    return std::uint8_t(140.0 + 100.0 * fibril + 0.1 * (blobs.at<float>(r, c) - 195.0));
  });
  trace = trace_tendon(fibrillar, imaging::Motion{}, phases);
  ASSERT_TRUE(trace.ok());
  EXPECT_TRUE(trace->found) << trace->not_found_reason;
}

}  // namespace
}  // namespace dynamus::segmentation
