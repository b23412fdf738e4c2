// The sidecar <input>.json: the bytes are the sidecar of a small BMP image, read on its own and
// then applied by load() (spacing, fps, and the region it crops to).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dynamus/imaging/load.h"
#include "fuzz_support.h"
#include "io/sidecar.h"

namespace {

constexpr int kWidth = 8;
constexpr int kHeight = 6;

void put_le(std::string& bytes, std::uint32_t value, int count) {
  for (int i = 0; i < count; ++i) bytes += char((value >> (8 * i)) & 0xff);
}

// An uncompressed 24-bit BMP with a grey ramp: rows of 3 * 8 = 24 bytes need no padding.
std::string small_bmp() {
  const std::uint32_t pixel_bytes = kWidth * kHeight * 3;
  std::string bytes = "BM";
  put_le(bytes, 54 + pixel_bytes, 4);
  put_le(bytes, 0, 4);
  put_le(bytes, 54, 4);
  put_le(bytes, 40, 4);
  put_le(bytes, kWidth, 4);
  put_le(bytes, kHeight, 4);
  put_le(bytes, 1, 2);
  put_le(bytes, 24, 2);
  for (int i = 0; i < 6; ++i) put_le(bytes, 0, 4);
  for (std::uint32_t i = 0; i < pixel_bytes; ++i) bytes += char((i * 7) & 0xff);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  fuzz::clear_scratch();
  const std::filesystem::path image = fuzz::write_scratch("image.bmp", small_bmp());
  fuzz::write_scratch("image.bmp.json",
                      std::string_view(reinterpret_cast<const char*>(data), size));

  const Result<std::optional<imaging::io::Sidecar>> sidecar = imaging::io::read_sidecar(image);
  if (!sidecar.ok()) {
    fuzz::check_error(sidecar.status(), /*names_a_file=*/true);
    DYNAMUS_FUZZ_CHECK(sidecar.status().context().ends_with("image.bmp.json"),
                       "the error names the sidecar");
    return 0;
  }
  DYNAMUS_FUZZ_CHECK(sidecar->has_value(), "a sidecar that exists is read");
  if (const auto& spacing = (*sidecar)->spacing_mm) {
    DYNAMUS_FUZZ_CHECK(std::isfinite((*spacing)[0]) && (*spacing)[0] > 0.0 &&
                           std::isfinite((*spacing)[1]) && (*spacing)[1] > 0.0,
                       "sidecar spacing is positive and finite");
  }
  if (const auto& fps = (*sidecar)->fps) {
    DYNAMUS_FUZZ_CHECK(std::isfinite(*fps) && *fps > 0.0, "sidecar fps is positive and finite");
  }

  imaging::LoadOptions options;
  options.auto_region = false;
  const Result<imaging::CineLoop> loop = imaging::load(image, options);
  if (!loop.ok()) {
    fuzz::check_error(loop.status(), /*names_a_file=*/true);
    return 0;
  }
  const imaging::RegionPx& region = loop->region_px();
  DYNAMUS_FUZZ_CHECK(region.x0 >= 0 && region.y0 >= 0 && region.x1 < kWidth &&
                         region.y1 < kHeight && loop->width_px() == region.width_px() &&
                         loop->height_px() == region.height_px(),
                     "the loop is cropped to a region inside the image");
  return 0;
}
