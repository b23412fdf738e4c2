// A loop of uniform grey frames with a user calibration and timing, for tests that need a loop of
// a given size rather than an image.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::testing {

inline imaging::CineLoop uniform_loop(int width_px, int height_px, int frames, std::uint8_t grey,
                                      std::array<double, 2> spacing_mm, double fps) {
  imaging::CineLoop::Parts parts;
  parts.width_px = width_px;
  parts.height_px = height_px;
  parts.frame_count = frames;
  parts.pixels.assign(std::size_t(width_px) * std::size_t(height_px) * std::size_t(frames), grey);
  parts.region_px = {0, 0, width_px - 1, height_px - 1};
  parts.source.width_px = width_px;
  parts.source.height_px = height_px;
  parts.calibration = {imaging::CalibrationSource::kUser, spacing_mm, true, ""};
  parts.timing.source = imaging::TimingSource::kUser;
  for (int f = 0; f < frames; ++f) parts.timing.timestamps_s.push_back(f / fps);
  return std::move(imaging::CineLoop::create(std::move(parts)).value());
}

}  // namespace dynamus::testing
