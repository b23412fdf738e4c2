// trace_muscle on a real longitudinal muscle B-mode image with a manual aponeurosis mask (two
// bands: superficial and deep aponeurosis), and on images without a muscle.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "dynamus/imaging/load.h"
#include "dynamus/segmentation/muscle.h"
#include "muscle_draw.h"
#include "realdata.h"

namespace dynamus::segmentation {
namespace {

constexpr double kSpacingMm = 0.1;  // the image has no calibration: an assumed spacing

// Per column of the mask (cropped to the loop's region): the rows of the first and the last band.
struct MaskBands {
  std::vector<int> superficial_top, superficial_bottom, deep_top, deep_bottom;  // -1: none
};

MaskBands bands_of(const cv::Mat& mask) {
  MaskBands b;
  for (int c = 0; c < mask.cols; ++c) {
    std::vector<std::pair<int, int>> runs;
    for (int r = 0; r < mask.rows; ++r) {
      if (mask.at<std::uint8_t>(r, c) == 0) continue;
      if (runs.empty() || runs.back().second != r - 1) runs.push_back({r, r});
      runs.back().second = r;
    }
    const bool two = runs.size() >= 2;
    b.superficial_top.push_back(two ? runs.front().first : -1);
    b.superficial_bottom.push_back(two ? runs.front().second : -1);
    b.deep_top.push_back(two ? runs.back().first : -1);
    b.deep_bottom.push_back(two ? runs.back().second : -1);
  }
  return b;
}

TEST(MuscleRealData, AponeurosesMatchManualMask) {
  DYNAMUS_REQUIRE_REALDATA(image_path, "msk/dltrack_apo_pair/raw_apo12_0_1929.tif");
  DYNAMUS_REQUIRE_REALDATA(mask_path, "msk/dltrack_apo_pair/gt_apo_mask_apo12_0_1929.tif");
  imaging::LoadOptions options;
  options.overrides.spacing_mm = std::array<double, 2>{kSpacingMm, kSpacingMm};
  Result<imaging::CineLoop> loop = imaging::load(image_path, options);
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  const imaging::RegionPx region = loop->region_px();
  std::printf("source %dx%d, region [%d,%d]-[%d,%d]\n", loop->source().width_px,
              loop->source().height_px, region.x0, region.y0, region.x1, region.y1);

  Result<MuscleTrace> trace = trace_muscle(*loop, imaging::Motion{}, TendonTrace{});
  ASSERT_TRUE(trace.ok()) << trace.status().to_string();
  ASSERT_TRUE(trace->found) << trace->not_found_reason;

  cv::Mat mask = cv::imread(mask_path.string(), cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(mask.empty());
  mask = mask(cv::Rect(region.x0, region.y0, region.width_px(), region.height_px())).clone();
  const MaskBands bands = bands_of(mask);

  // Our lines are the inner edges: the superficial band's lower edge, the deep band's upper edge.
  double edge_sum_px = 0.0, centre_sum_px = 0.0;
  int count = 0, columns_with_mask = 0;
  for (std::size_t i = 0; i < trace->x_mm.size(); ++i) {
    const int c = int(std::lround(trace->x_mm[i] / kSpacingMm));
    if (c >= mask.cols || bands.deep_top[std::size_t(c)] < 0) continue;
    ++columns_with_mask;
    const auto& top = trace->superficial_mm[0][i];
    const auto& deep = trace->deep_mm[0][i];
    if (!top || !deep) continue;
    const double top_px = *top / kSpacingMm, deep_px = *deep / kSpacingMm;
    edge_sum_px += std::abs(top_px - bands.superficial_bottom[std::size_t(c)]) +
                   std::abs(deep_px - bands.deep_top[std::size_t(c)]);
    centre_sum_px += std::abs(top_px - 0.5 * (bands.superficial_top[std::size_t(c)] +
                                              bands.superficial_bottom[std::size_t(c)])) +
                     std::abs(deep_px - 0.5 * (bands.deep_top[std::size_t(c)] +
                                               bands.deep_bottom[std::size_t(c)]));
    count += 2;
  }
  ASSERT_GT(count, 0);
  const double edge_px = edge_sum_px / count, centre_px = centre_sum_px / count;
  std::printf(
      "mean distance to the mask's inner band edges %.2f px (%.2f mm at %.2f mm/px), to "
      "the band centre lines %.2f px (%.2f mm); %d of %d masked columns traced; thickness "
      "%.2f mm, pennation %.1f deg\n",
      edge_px, edge_px * kSpacingMm, kSpacingMm, centre_px, centre_px * kSpacingMm, count / 2,
      columns_with_mask, trace->thickness_mm[0].value_or(-1), trace->pennation_deg[0].value_or(-1));
  if (const char* dir = std::getenv("DYNAMUS_MUSCLE_PNG_DIR")) {
    cv::Mat out = draw_muscle(*loop, *trace, 0);
    for (int c = 0; c < mask.cols; ++c) {
      for (int r : {bands.superficial_bottom[std::size_t(c)], bands.deep_top[std::size_t(c)]}) {
        if (r >= 0) out.at<cv::Vec3b>(r, c) = cv::Vec3b(0, 255, 0);
      }
    }
    cv::imwrite(std::string(dir) + "/muscle_real.png", out);
  }
  // Achieved: 107 of 114; where the superficial band dims and thins for ~4 mm on the right it is
  // not taken for a band's edge (the gate that keeps the deep line off a tear's fluid gap).
  EXPECT_GE(count / 2, int(0.9 * columns_with_mask));
  // Achieved: 3.8 px (0.38 mm) to the inner edges, 2.9 px to the band centre lines.
  EXPECT_LT(edge_px, 6.0);
  EXPECT_LT(centre_px, 5.0);
}

}  // namespace
}  // namespace dynamus::segmentation

namespace dynamus::segmentation {
namespace {

Result<imaging::CineLoop> still(std::vector<std::uint8_t> pixels, int width_px, int height_px) {
  imaging::CineLoop::Parts parts;
  parts.width_px = width_px;
  parts.height_px = height_px;
  parts.frame_count = 1;
  parts.pixels = std::move(pixels);
  parts.calibration.source = imaging::CalibrationSource::kUser;
  parts.calibration.spacing_mm = std::array<double, 2>{0.1, 0.1};
  parts.region_px = {0, 0, width_px - 1, height_px - 1};
  parts.source.width_px = width_px;
  parts.source.height_px = height_px;
  return imaging::CineLoop::create(std::move(parts));
}

TEST(MuscleNoMuscle, UniformAndSpeckleOnlyImagesAreNotFoundWithAReason) {
  const int w = 320, h = 240;
  cv::Mat noise(h, w, CV_8UC1);
  cv::randu(noise, 0, 120);
  for (const cv::Mat& image : {cv::Mat(h, w, CV_8UC1, cv::Scalar(90)), noise}) {
    Result<imaging::CineLoop> loop =
        still(std::vector<std::uint8_t>(image.datastart, image.dataend), w, h);
    ASSERT_TRUE(loop.ok()) << loop.status().to_string();
    Result<MuscleTrace> trace = trace_muscle(*loop, imaging::Motion{}, TendonTrace{});
    ASSERT_TRUE(trace.ok()) << trace.status().to_string();
    EXPECT_FALSE(trace->found);
    EXPECT_FALSE(trace->not_found_reason.empty());
    std::printf("not found: %s\n", trace->not_found_reason.c_str());
  }
}

TEST(MuscleNoMuscle, UncalibratedLoopIsAnInvalidArgument) {
  imaging::CineLoop::Parts parts;
  parts.width_px = 64;
  parts.height_px = 48;
  parts.frame_count = 1;
  parts.pixels.assign(64 * 48, 50);
  parts.region_px = {0, 0, 63, 47};
  parts.source.width_px = 64;
  parts.source.height_px = 48;
  Result<imaging::CineLoop> loop = imaging::CineLoop::create(std::move(parts));
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  Result<MuscleTrace> trace = trace_muscle(*loop, imaging::Motion{}, TendonTrace{});
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dynamus::segmentation
