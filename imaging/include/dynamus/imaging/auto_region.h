// Finding the ultrasound image inside a screen capture or screen recording: the speckle-textured,
// temporally changing rectangle, without the static UI chrome, text, scales and colour bars.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

// `pixels` holds `frame_count` grey frames of width_px x height_px, row-major. Returns the
// inclusive rectangle of the ultrasound image in those pixels: the bounding rectangle of the
// speckle-textured area, which in a loop must also change over time (for sector and convex probes,
// the fan's bounding rectangle). Static UI chrome around it (menus, text, depth scales, grey bars,
// logos, borders) is left out; dark, flat parts inside the image (fluid, shadow) and text drawn
// over it are not. Returns nothing when no plausible image area is found (then the caller keeps the
// full frame and says so) or when the buffer is smaller than the sizes say.
//
// Looks at no more than 32 frames spread over the loop and takes a few milliseconds for a
// 640x480 loop. A still frame relies on texture alone: noise over the whole screen (an analogue
// capture, heavy JPEG) makes the chrome look textured too, so the rectangle may grow into nearby
// chrome or cover the frame; in a loop the chrome stays static and is left out.
std::optional<RegionPx> detect_image_region(std::span<const std::uint8_t> pixels, int width_px,
                                            int height_px, int frame_count);

}  // namespace dynamus::imaging
