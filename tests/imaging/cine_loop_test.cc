#include "dynamus/imaging/cine_loop.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dynamus::imaging {
namespace {

CineLoop::Parts valid_parts() {
  CineLoop::Parts parts;
  parts.width_px = 4;
  parts.height_px = 3;
  parts.frame_count = 5;
  parts.pixels.assign(4 * 3 * 5, 0);
  for (std::size_t i = 0; i < parts.pixels.size(); ++i) parts.pixels[i] = std::uint8_t(i);
  parts.timing = {TimingSource::kFrameTime, {0.0, 0.04, 0.08, 0.12, 0.16}};
  parts.calibration = {CalibrationSource::kDicomRegion, std::array<double, 2>{0.1, 0.2}, true, ""};
  parts.region_px = {2, 1, 5, 3};
  parts.source.width_px = 10;
  parts.source.height_px = 8;
  return parts;
}

TEST(CineLoop, ValidPartsMakeALoopWithRateDurationAndFrames) {
  Result<CineLoop> loop = CineLoop::create(valid_parts());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_NEAR(*loop->fps(), 25.0, 1e-9);
  EXPECT_NEAR(*loop->duration_s(), 0.2, 1e-9);
  EXPECT_EQ(loop->frame(2).size(), 12u);
  EXPECT_EQ(loop->frame(2)[0], 24);
  const CineLoop copy = *loop;  // copies share the pixels
  EXPECT_EQ(copy.pixels().data(), loop->pixels().data());
}

TEST(CineLoop, MedianIntervalIgnoresOneDroppedFrame) {
  CineLoop::Parts parts = valid_parts();
  parts.timing.timestamps_s = {0.0, 0.04, 0.08, 0.16, 0.20};
  Result<CineLoop> loop = CineLoop::create(std::move(parts));
  ASSERT_TRUE(loop.ok());
  EXPECT_NEAR(*loop->fps(), 25.0, 1e-9);
}

TEST(CineLoop, EveryBrokenInvariantIsRefused) {
  auto refused = [](auto mutate) {
    CineLoop::Parts parts = valid_parts();
    mutate(parts);
    Result<CineLoop> loop = CineLoop::create(std::move(parts));
    return !loop.ok() && loop.status().code() == StatusCode::kInvalidData;
  };
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.frame_count = 0; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.pixels.pop_back(); }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.timing.timestamps_s[3] = 0.08; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.timing.timestamps_s[1] = NAN; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.timing.timestamps_s.pop_back(); }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.timing.source = TimingSource::kUnknown; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { (*p.calibration.spacing_mm)[0] = -0.1; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { (*p.calibration.spacing_mm)[1] = INFINITY; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.calibration.spacing_mm.reset(); }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.calibration.source = CalibrationSource::kNone; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.region_px.x1 = 6; }));
  EXPECT_TRUE(refused([](CineLoop::Parts& p) { p.source.width_px = 5; }));
}

TEST(CineLoop, UntrustedCalibrationIsLabelledSo) {
  Calibration calibration{CalibrationSource::kDicomRegion, std::array<double, 2>{0.1, 0.1}, false,
                          ""};
  EXPECT_EQ(calibration_label(calibration), "dicom-region-untrusted");
  calibration.trusted = true;
  EXPECT_EQ(calibration_label(calibration), "dicom-region");
}

}  // namespace
}  // namespace dynamus::imaging
