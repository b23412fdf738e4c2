// Finding the ultrasound image inside a screen capture or screen recording: the speckle-textured,
// temporally changing rectangle, without the static UI chrome, text, scales and colour bars.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

// `pixels` holds `frame_count` grey frames of width_px x height_px, row-major. Returns the
// inclusive rectangle of the ultrasound image in those pixels, or nothing when no plausible image
// area is found (then the caller keeps the full frame and says so).
std::optional<RegionPx> detect_image_region(std::span<const std::uint8_t> pixels, int width_px,
                                            int height_px, int frame_count);

}  // namespace dynamus::imaging
