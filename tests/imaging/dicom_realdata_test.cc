// Every DICOM file of the shared real-data corpus loads with the right frame count, source size,
// region and spacing in mm. Expected values were read independently with DCMTK's dcmdump
// (Number of Frames, Rows, Columns, the (0018,6011) region items, Frame Time, Pixel Spacing).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "dynamus/imaging/load.h"
#include "realdata.h"

namespace dynamus::imaging {
namespace {

struct Expected {
  const char* file;
  int frames;
  int source_width_px, source_height_px;
  RegionPx region_px;
  double spacing_x_mm, spacing_y_mm;  // 0 when uncalibrated
  const char* calibration;
  double fps;  // 0 when the file has no timing (or one frame)
};

void PrintTo(const Expected& e, std::ostream* os) { *os << e.file; }

constexpr double kNoSpacing = 0.0;

// Region deltas are in cm in the files; mm = 10 x cm.
const Expected kCorpus[] = {
    {"dicom/us_mf_jpegbaseline_ybr422_87f_ge_regions.dcm",
     87,
     975,
     743,
     {1, 74, 959, 742},
     0.25938570499420166,
     0.25938570499420166,
     "dicom-region",
     1000.0 / 34.992733001709},
    {"dicom/us_mf_jpegbaseline_ybr422_34f_hp_regions.dcm",
     34,
     480,
     430,
     {42, 4, 438, 353},
     0.28571428571428568,
     0.22857142857142856,
     "dicom-region",
     1000.0 / 30.0},
    // pydicom rescaled the pixels to 320x240 but not the region (x84-595, y31-414).
    {"dicom/us_mf_jpegbaseline_ybr422_30f_sonosite_regions.dcm",
     30,
     320,
     240,
     {84, 31, 319, 239},
     0.51049705594778061,
     0.51049705594778061,
     "dicom-region-untrusted",
     1000.0 / 33.333},
    {"dicom/us_mf_jpegll_sv1_rgb_2f_medistim_regions.dcm",
     2,
     1024,
     768,
     {80, 28, 944, 568},
     0.027742814617576421,
     0.027742814617576421,
     "dicom-region",
     1000.0 / 31.9652},
    // MaxX1 = 800 in an 800-column image: clipped by one column, still trusted.
    {"dicom/us_mf_rle_palette_2f_philips_regions.dcm",
     2,
     800,
     600,
     {120, 60, 799, 518},
     0.26228787661969974,
     0.26228787661969974,
     "dicom-region",
     0.0},
    {"dicom/us_sf-sop_2frames_palette_explicitLE_regions.dcm",
     2,
     800,
     600,
     {120, 60, 799, 518},
     0.26228787661969974,
     0.26228787661969974,
     "dicom-region",
     0.0},
    {"dicom/us_sf-sop_2frames_palette_bigendian_regions.dcm",
     2,
     800,
     600,
     {120, 60, 799, 518},
     0.26228787661969974,
     0.26228787661969974,
     "dicom-region",
     0.0},
    // Rows cropped to 350 while the region still reaches row 518.
    {"dicom/us_palette_explicitLE_regions_cropped.dcm",
     1,
     800,
     350,
     {120, 60, 799, 349},
     0.26228787661969974,
     0.26228787661969974,
     "dicom-region-untrusted",
     0.0},
    {"dicom/us_palette_implicitLE_regions_philips.dcm",
     1,
     800,
     600,
     {120, 60, 799, 518},
     0.16509633818385325,
     0.16509633818385325,
     "dicom-region",
     0.0},
    // Two equal side-by-side 2D panes: the first is taken.
    {"dicom/us_palette16_implicitLE_3regions_aloka.dcm",
     1,
     640,
     480,
     {32, 24, 335, 415},
     0.38265306502580643,
     0.38265306502580643,
     "dicom-region",
     0.0},
    {"dicom/us_mono2_jpegll_sv1_philips_regions.dcm",
     1,
     1024,
     768,
     {14, 38, 1010, 758},
     0.25476696592378154,
     0.25476696592378154,
     "dicom-region",
     0.0},
    // Region 1 has no physical units (delta 1.0, units 0): region 2 carries the calibration.
    {"dicom/us_jpegextended_ybrfull_acuson_regions.dcm",
     1,
     768,
     576,
     {100, 57, 579, 536},
     0.041753652736770448,
     0.041753652736770448,
     "dicom-region",
     0.0},
    {"dicom/us_jpegbaseline_ybr422_atl.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_j2k_lossy_ybrict_ge_regions.dcm",
     1,
     1660,
     965,
     {2, 67, 1487, 845},
     0.047294102544697969,
     0.047294102544697969,
     "dicom-region",
     0.0},
    {"dicom/us_wg04_US1_uncompressed_rgb.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_wg04_US1_j2k_lossless_ybrrct.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_wg04_US1_j2k_lossy_ybrict.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_wg04_US1_rle_rgb.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_ybrfull_uncompressed_atl.dcm",
     1,
     640,
     480,
     {0, 0, 639, 479},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    {"dicom/us_rgb_planar1_explicitLE_acme.dcm",
     1,
     256,
     120,
     {0, 0, 255, 119},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
    // Also in odd/: RLE YBR_FULL with PlanarConfiguration=1; MaxY1 = 910 = Rows, clipped.
    {"odd/us_rle_ybrfull_planar1_mindray_regions.dcm",
     1,
     1260,
     910,
     {0, 120, 1100, 909},
     0.145117004687852,
     0.145117004687852,
     "dicom-region",
     0.0},
    {"odd/us_rgb_planar1_bigendian_60x80.dcm",
     1,
     80,
     60,
     {0, 0, 79, 59},
     kNoSpacing,
     kNoSpacing,
     "none",
     0.0},
};

class DicomCorpus : public ::testing::TestWithParam<Expected> {};

TEST_P(DicomCorpus, LoadsWithRightFramesRegionSpacingAndTiming) {
  const Expected& e = GetParam();
  DYNAMUS_REQUIRE_REALDATA(path, e.file);
  Result<CineLoop> loop = load(path);
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->source().format, "dicom");
  EXPECT_EQ(loop->frame_count(), e.frames);
  EXPECT_EQ(loop->source().width_px, e.source_width_px);
  EXPECT_EQ(loop->source().height_px, e.source_height_px);
  EXPECT_EQ(loop->region_px(), e.region_px);
  EXPECT_EQ(loop->width_px(), e.region_px.width_px());
  EXPECT_EQ(loop->height_px(), e.region_px.height_px());
  EXPECT_EQ(calibration_label(loop->calibration()), e.calibration);
  if (e.spacing_x_mm > 0.0) {
    ASSERT_TRUE(loop->calibration().spacing_mm.has_value());
    EXPECT_NEAR((*loop->calibration().spacing_mm)[0], e.spacing_x_mm, 1e-12);
    EXPECT_NEAR((*loop->calibration().spacing_mm)[1], e.spacing_y_mm, 1e-12);
  } else {
    EXPECT_FALSE(loop->calibration().spacing_mm.has_value()) << "never a silent 1 mm";
  }
  if (e.fps > 0.0) {
    ASSERT_TRUE(loop->fps().has_value());
    EXPECT_NEAR(*loop->fps(), e.fps, 1e-6);
    EXPECT_NEAR(loop->timing().timestamps_s.back(), (e.frames - 1) / e.fps, 1e-6);
  } else {
    EXPECT_FALSE(loop->fps().has_value());
  }
  EXPECT_EQ(loop->source().sha256.size(), 64u);
}

INSTANTIATE_TEST_SUITE_P(RealData, DicomCorpus, ::testing::ValuesIn(kCorpus),
                         [](const ::testing::TestParamInfo<Expected>& param) {
                           std::string name = std::filesystem::path(param.param.file).stem();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(DicomCorpus, EveryDicomFileOfTheCorpusIsInTheTable) {
  const std::filesystem::path folder = testing::realdata_dir() / "dicom";
  if (!std::filesystem::is_directory(folder)) GTEST_SKIP() << "no " << folder;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string relative = "dicom/" + entry.path().filename().string();
    const bool listed = std::any_of(std::begin(kCorpus), std::end(kCorpus),
                                    [&](const Expected& e) { return relative == e.file; });
    EXPECT_TRUE(listed) << relative << " has no expected values";
  }
}

std::vector<std::uint8_t> pixels_of(const std::filesystem::path& path) {
  Result<CineLoop> loop = load(path);
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();
  if (!loop.ok()) return {};
  return {loop->pixels().begin(), loop->pixels().end()};
}

// NEMA WG04's US1 in three lossless encodings (raw RGB, RLE RGB, JPEG 2000 YBR_RCT) must decode to
// the very same grey pixels; the lossy JPEG 2000 one stays close.
TEST(DicomPixels, LosslessWg04EncodingsDecodeIdentically) {
  DYNAMUS_REQUIRE_REALDATA(raw, "dicom/us_wg04_US1_uncompressed_rgb.dcm");
  DYNAMUS_REQUIRE_REALDATA(rle, "dicom/us_wg04_US1_rle_rgb.dcm");
  DYNAMUS_REQUIRE_REALDATA(j2k_lossless, "dicom/us_wg04_US1_j2k_lossless_ybrrct.dcm");
  DYNAMUS_REQUIRE_REALDATA(j2k_lossy, "dicom/us_wg04_US1_j2k_lossy_ybrict.dcm");
  const std::vector<std::uint8_t> reference = pixels_of(raw);
  ASSERT_EQ(reference.size(), 640u * 480u);
  EXPECT_EQ(pixels_of(rle), reference);
  EXPECT_EQ(pixels_of(j2k_lossless), reference);

  const std::vector<std::uint8_t> lossy = pixels_of(j2k_lossy);
  ASSERT_EQ(lossy.size(), reference.size());
  double sum_abs = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    sum_abs += std::abs(int(lossy[i]) - int(reference[i]));
  }
  EXPECT_LT(sum_abs / double(reference.size()), 3.0) << "mean absolute grey difference";
}

// The same Philips frames stored explicit little endian, explicit big endian and RLE with a
// palette: byte order, palette and RLE must not change a pixel.
TEST(DicomPixels, PaletteFramesAgreeAcrossByteOrderAndRle) {
  DYNAMUS_REQUIRE_REALDATA(little, "dicom/us_sf-sop_2frames_palette_explicitLE_regions.dcm");
  DYNAMUS_REQUIRE_REALDATA(big, "dicom/us_sf-sop_2frames_palette_bigendian_regions.dcm");
  DYNAMUS_REQUIRE_REALDATA(rle, "dicom/us_mf_rle_palette_2f_philips_regions.dcm");
  const std::vector<std::uint8_t> reference = pixels_of(little);
  ASSERT_FALSE(reference.empty());
  EXPECT_EQ(pixels_of(big), reference);
  EXPECT_EQ(pixels_of(rle), reference);
}

// YBR data keeps BT.601 luma in its first channel. The reference is independent: DCMTK's
// `dcmj2pnm +op` RGB rendering of the same file, reduced with 0.299 R + 0.587 G + 0.114 B, has a
// mean of 19.367 over the 640x480 pixels (colour rounding allows a small difference).
TEST(DicomPixels, YbrFullRawDecodesToLuma) {
  DYNAMUS_REQUIRE_REALDATA(path, "dicom/us_ybrfull_uncompressed_atl.dcm");
  const std::vector<std::uint8_t> pixels = pixels_of(path);
  ASSERT_EQ(pixels.size(), 640u * 480u);
  double mean = 0.0;
  for (std::uint8_t p : pixels) mean += p;
  mean /= double(pixels.size());
  EXPECT_NEAR(mean, 19.367, 0.5);
}

}  // namespace
}  // namespace dynamus::imaging
