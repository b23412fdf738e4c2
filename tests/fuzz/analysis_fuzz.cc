// The analysis on tiny loops: the first bytes choose the size (16..79 px a side), the frame count
// (1..8), the spacing and the frame rate; the rest are the pixels, repeated to fill the frames.
// analyze() must return an analysis whose per-frame arrays match the loop, or a clean error.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "dynamus/segmentation/analysis.h"
#include "dynamus/segmentation/result_json.h"
#include "fuzz_support.h"

namespace {
constexpr std::size_t kHeaderBytes = 6;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  if (size <= kHeaderBytes) return 0;
  imaging::CineLoop::Parts parts;
  parts.width_px = 16 + data[0] % 64;
  parts.height_px = 16 + data[1] % 64;
  parts.frame_count = 1 + data[2] % 8;
  // 0.02 .. 0.53 mm per pixel; 5 .. 132 frames per second.
  const std::array<double, 2> spacing_mm{0.02 + data[3] * 0.002, 0.02 + data[4] * 0.002};
  const double fps = 5.0 + data[5] % 128;
  const std::uint8_t* pixels = data + kHeaderBytes;
  const std::size_t pixel_bytes = size - kHeaderBytes;
  const std::size_t total =
      std::size_t(parts.width_px) * std::size_t(parts.height_px) * std::size_t(parts.frame_count);
  parts.pixels.resize(total);
  for (std::size_t i = 0; i < total; ++i) parts.pixels[i] = pixels[i % pixel_bytes];
  parts.region_px = {0, 0, parts.width_px - 1, parts.height_px - 1};
  parts.source.width_px = parts.width_px;
  parts.source.height_px = parts.height_px;
  parts.calibration = {imaging::CalibrationSource::kUser, spacing_mm, true, "fuzz"};
  if (parts.frame_count > 1) {
    parts.timing.source = imaging::TimingSource::kUser;
    for (int f = 0; f < parts.frame_count; ++f) parts.timing.timestamps_s.push_back(f / fps);
  }
  const int frames = parts.frame_count;
  Result<imaging::CineLoop> loop = imaging::CineLoop::create(std::move(parts));
  DYNAMUS_FUZZ_CHECK(loop.ok(), "the harness builds valid loops");

  const segmentation::AnalysisParams params;
  const Result<segmentation::Analysis> analysis = segmentation::analyze(*loop, params);
  if (!analysis.ok()) {
    fuzz::check_error(analysis.status(), /*names_a_file=*/false);
    return 0;
  }
  nlohmann::json result = segmentation::result_json(*loop, params, *analysis);
  DYNAMUS_FUZZ_CHECK(result["contraction"]["level"].size() == std::size_t(frames),
                     "one contraction level per frame");
  DYNAMUS_FUZZ_CHECK(result["tear"]["per_frame_gap_mm"].size() == std::size_t(frames),
                     "one gap per frame");
  DYNAMUS_FUZZ_CHECK(result["muscle"]["thickness_mm"].size() == std::size_t(frames),
                     "one muscle thickness per frame");
  // NaN or infinity cannot be written as JSON numbers: dump() would write null silently.
  for (const auto& value : result["tear"]["per_frame_gap_mm"]) {
    DYNAMUS_FUZZ_CHECK(value.is_null() || std::isfinite(value.get<double>()), "finite gaps");
  }
  return 0;
}
