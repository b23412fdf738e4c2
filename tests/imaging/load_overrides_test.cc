// Precedence of calibration, timing and region: command line > sidecar > file; a malformed
// sidecar or an impossible override is an error that says which.
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "dynamus/imaging/load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::TempDir;

std::filesystem::path write_folder(const TempDir& dir, int frames) {
  const auto folder = dir / "loop";
  std::filesystem::create_directories(folder);
  for (int i = 0; i < frames; ++i) {
    cv::Mat frame(100, 200, CV_8UC1, cv::Scalar(10 * i));
    cv::imwrite((folder / ("f" + std::to_string(i) + ".png")).string(), frame);
  }
  return folder;
}

LoadOptions without_auto_region() {
  LoadOptions options;
  options.auto_region = false;
  return options;
}

TEST(LoadOverrides, CommandLineBeatsSidecarBeatsFile) {
  TempDir dir;
  const auto folder = write_folder(dir, 4);
  std::ofstream(dir / "loop.json")
      << R"({"spacing_mm": 0.2, "fps": 10, "region_px": [10, 20, 109, 79]})";

  Result<CineLoop> sidecar = load(folder, without_auto_region());
  ASSERT_TRUE(sidecar.ok()) << sidecar.status().to_string();
  EXPECT_EQ(calibration_label(sidecar->calibration()), "sidecar");
  EXPECT_EQ(sidecar->region_source(), RegionSource::kSidecar);
  EXPECT_EQ(sidecar->region_px(), (RegionPx{10, 20, 109, 79}));
  EXPECT_EQ(sidecar->width_px(), 100);
  EXPECT_EQ(sidecar->height_px(), 60);
  EXPECT_NEAR(*sidecar->fps(), 10.0, 1e-9);

  LoadOptions user = without_auto_region();
  user.overrides.spacing_mm = std::array<double, 2>{0.05, 0.06};
  user.overrides.fps = 40.0;
  user.overrides.region_px = RegionPx{0, 0, 49, 49};
  Result<CineLoop> overridden = load(folder, user);
  ASSERT_TRUE(overridden.ok()) << overridden.status().to_string();
  EXPECT_EQ(calibration_label(overridden->calibration()), "user");
  EXPECT_DOUBLE_EQ((*overridden->calibration().spacing_mm)[1], 0.06);
  EXPECT_EQ(overridden->timing().source, TimingSource::kUser);
  EXPECT_NEAR(*overridden->fps(), 40.0, 1e-9);
  EXPECT_EQ(overridden->region_source(), RegionSource::kUser);
  EXPECT_EQ(overridden->width_px(), 50);

  LoadOptions ignore_sidecar = without_auto_region();
  ignore_sidecar.read_sidecar = false;
  Result<CineLoop> plain = load(folder, ignore_sidecar);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(calibration_label(plain->calibration()), "none");
  EXPECT_FALSE(plain->has_timing());
  EXPECT_EQ(plain->warnings().size(), 2u) << "no calibration, no timing: both said";
}

TEST(LoadOverrides, CroppedPixelsAreTheRegionOfTheSource) {
  TempDir dir;
  const auto folder = dir / "loop";
  std::filesystem::create_directories(folder);
  cv::Mat frame(100, 200, CV_8UC1);
  for (int y = 0; y < frame.rows; ++y) {
    for (int x = 0; x < frame.cols; ++x)
      frame.at<std::uint8_t>(y, x) = std::uint8_t((x + 3 * y) % 251);
  }
  cv::imwrite((folder / "f0.png").string(), frame);
  cv::imwrite((folder / "f1.png").string(), 255 - frame);
  LoadOptions options = without_auto_region();
  options.overrides.region_px = RegionPx{30, 40, 129, 89};
  Result<CineLoop> loop = load(folder, options);
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  for (int f = 0; f < 2; ++f) {
    for (int y = 0; y < loop->height_px(); y += 7) {
      for (int x = 0; x < loop->width_px(); x += 5) {
        const std::uint8_t source = frame.at<std::uint8_t>(y + 40, x + 30);
        EXPECT_EQ(loop->frame(f)[std::size_t(y * loop->width_px() + x)],
                  f == 0 ? source : 255 - source);
      }
    }
  }
}

TEST(LoadOverrides, RegionOutsideTheImageIsRefused) {
  TempDir dir;
  const auto folder = write_folder(dir, 2);
  LoadOptions options = without_auto_region();
  options.overrides.region_px = RegionPx{0, 0, 200, 99};  // one column too far
  Result<CineLoop> loop = load(folder, options);
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loop.status().message().find("200x100"), std::string::npos) << loop.status().message();
}

TEST(LoadOverrides, MalformedSidecarNamesTheSidecar) {
  TempDir dir;
  const auto folder = write_folder(dir, 2);
  for (const char* content : {"{not json", R"({"spacing_mm": -1})", R"({"fps": 0})",
                              R"({"region_px": [5, 5, 1, 1]})", "[1, 2]"}) {
    std::ofstream(dir / "loop.json") << content;
    Result<CineLoop> loop = load(folder, without_auto_region());
    ASSERT_FALSE(loop.ok()) << content;
    EXPECT_EQ(loop.status().code(), StatusCode::kInvalidData) << content;
    EXPECT_EQ(loop.status().context(), (dir / "loop.json").string()) << content;
  }
}

TEST(LoadOverrides, MemoryCeilingFromTheEnvironment) {
  ::setenv("DYNAMUS_MAX_MEMORY_MB", "12", 1);
  EXPECT_EQ(default_max_memory_bytes(), std::uint64_t{12} << 20);
  ::setenv("DYNAMUS_MAX_MEMORY_MB", "lots", 1);
  EXPECT_EQ(default_max_memory_bytes(), LoadOptions{}.max_memory_bytes);
  ::unsetenv("DYNAMUS_MAX_MEMORY_MB");
}

}  // namespace
}  // namespace dynamus::imaging
