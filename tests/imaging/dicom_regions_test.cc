// The choice of calibration region, on region tables shaped like the vendors' (no files needed).
#include "io/dicom_regions.h"

#include <gtest/gtest.h>

namespace dynamus::imaging::io {
namespace {

UltrasoundRegion region(long x0, long y0, long x1, long y1, double delta_cm, int format = 1,
                        int type = 1, int units = 3) {
  UltrasoundRegion r;
  r.spatial_format = format;
  r.data_type = type;
  r.min_x = x0;
  r.min_y = y0;
  r.max_x = x1;
  r.max_y = y1;
  r.units_x = r.units_y = units;
  r.delta_x = r.delta_y = delta_cm;
  return r;
}

TEST(DicomRegions, LargestTissueRegionInCmWinsAndBecomesMm) {
  const std::vector<UltrasoundRegion> regions = {
      region(0, 0, 99, 99, 1.0, 1, 1, 0),   // no physical units
      region(10, 10, 59, 59, 0.02),         // small tissue region
      region(100, 10, 399, 309, 0.03),      // the large one
      region(100, 310, 399, 399, 0.05, 3),  // spectral Doppler strip
  };
  const auto chosen = choose_region_calibration(regions, 400, 400);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->region_px, (RegionPx{100, 10, 399, 309}));
  EXPECT_DOUBLE_EQ((*chosen->calibration.spacing_mm)[0], 0.3);
  EXPECT_TRUE(chosen->calibration.trusted);
  ASSERT_EQ(chosen->warnings.size(), 1u) << "two calibrated 2D regions are worth a word";
}

TEST(DicomRegions, TissueBeatsALargerColourFlowRegion) {
  const auto chosen = choose_region_calibration(
      {region(0, 0, 399, 399, 0.03, 1, 2), region(50, 50, 149, 149, 0.03, 1, 1)}, 400, 400);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->region_px, (RegionPx{50, 50, 149, 149}));
}

TEST(DicomRegions, AnisotropicAndNegativeDeltasKeepTheirMagnitudes) {
  UltrasoundRegion r = region(0, 0, 99, 99, 0.0);
  r.delta_x = 0.028571;
  r.delta_y = -0.022857;
  const auto chosen = choose_region_calibration({r}, 100, 100);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_DOUBLE_EQ((*chosen->calibration.spacing_mm)[0], 0.28571);
  EXPECT_DOUBLE_EQ((*chosen->calibration.spacing_mm)[1], 0.22857);
  EXPECT_EQ(chosen->warnings.size(), 1u);
}

TEST(DicomRegions, OffByOneIsClippedAndTrustedFarPastIsUntrusted) {
  const auto off_by_one = choose_region_calibration({region(120, 60, 800, 518, 0.026)}, 800, 600);
  ASSERT_TRUE(off_by_one.has_value());
  EXPECT_TRUE(off_by_one->calibration.trusted);
  EXPECT_EQ(off_by_one->region_px.x1, 799);
  EXPECT_EQ(off_by_one->warnings.size(), 1u);

  const auto rescaled = choose_region_calibration({region(84, 31, 595, 414, 0.051)}, 320, 240);
  ASSERT_TRUE(rescaled.has_value());
  EXPECT_FALSE(rescaled->calibration.trusted);
  EXPECT_EQ(rescaled->region_px, (RegionPx{84, 31, 319, 239}));
}

TEST(DicomRegions, NoUsableRegionMeansNoCalibration) {
  EXPECT_FALSE(choose_region_calibration({}, 100, 100).has_value());
  EXPECT_FALSE(choose_region_calibration({region(0, 0, 99, 99, 0.0)}, 100, 100).has_value());
  EXPECT_FALSE(choose_region_calibration({region(0, 0, 99, 99, 0.03, 1, 1, 1)}, 100, 100));
  EXPECT_FALSE(choose_region_calibration({region(200, 200, 299, 299, 0.03)}, 100, 100))
      << "a region entirely outside the image";
}

}  // namespace
}  // namespace dynamus::imaging::io
