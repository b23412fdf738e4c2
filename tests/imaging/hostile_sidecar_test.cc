// Sidecars holding impossible values: negative, zero, infinite (1e999 parses as infinity) or
// non-numeric spacing and fps, and regions that cannot exist. Each is kInvalidData naming the
// sidecar, never a loop measured with them.
#include <gtest/gtest.h>

#include <fstream>

#include "dynamus/imaging/load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

// A 4x3 24-bit BMP: rows of 12 bytes need no padding.
std::string small_bmp() {
  auto le = [](std::uint32_t value, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += char((value >> (8 * i)) & 0xff);
    return out;
  };
  std::string bytes = "BM" + le(54 + 36, 4) + le(0, 4) + le(54, 4) + le(40, 4) + le(4, 4) +
                      le(3, 4) + le(1, 2) + le(24, 2) + std::string(24, '\0');
  return bytes + std::string(36, '\x80');
}

class HostileSidecar : public ::testing::TestWithParam<const char*> {};

TEST_P(HostileSidecar, IsInvalidDataNamingTheSidecar) {
  testing::TempDir dir;
  const std::filesystem::path image = dir / "image.bmp";
  std::ofstream(image, std::ios::binary) << small_bmp();
  std::ofstream(dir / "image.bmp.json") << GetParam();
  const Result<CineLoop> loop = load(image);
  ASSERT_FALSE(loop.ok()) << GetParam();
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidData) << loop.status().to_string();
  EXPECT_EQ(loop.status().context(), (dir / "image.bmp.json").string());
}

INSTANTIATE_TEST_SUITE_P(
    Values, HostileSidecar,
    ::testing::Values(R"({"spacing_mm": -0.1})", R"({"spacing_mm": 0})", R"({"spacing_mm": 1e999})",
                      R"({"spacing_mm": [0.1, -0.1]})", R"({"spacing_mm": [0.1]})",
                      R"({"spacing_mm": "0.1"})", R"({"spacing_mm": NaN})", R"({"fps": -30})",
                      R"({"fps": 0})", R"({"fps": 1e999})", R"({"fps": null})",
                      R"({"region_px": [-1, 0, 3, 2]})", R"({"region_px": [3, 0, 1, 2]})",
                      R"({"region_px": [0, 0, 99, 2]})", R"({"region_px": [0, 0, 3.5, 2]})",
                      "[1, 2]", "{"));

}  // namespace
}  // namespace dynamus::imaging
