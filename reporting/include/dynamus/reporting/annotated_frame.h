// Annotated frames drawn on the CPU from the overlay model (no display needed): the B-mode frame
// enlarged, the overlay on it, and below the image a caption and the legend, so that nothing
// covers the anatomy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/overlay/overlay.h"

namespace dynamus::reporting {

struct RgbImage {
  int width_px = 0;
  int height_px = 0;
  std::vector<std::uint8_t> rgb;  // row-major, 3 bytes a pixel
};

// The frame overlay.frame of the loop, enlarged `scale` times (0: the smallest scale that makes
// the image at least 800 px wide, so that labels stay readable). Needs a calibrated loop to place
// the overlay (without one only the frame and the caption are drawn).
RgbImage render_annotated_frame(const imaging::CineLoop& loop, const overlay::FrameOverlay& overlay,
                                int scale = 0);

// The image as PNG bytes (OpenCV). kInternal when encoding fails.
Result<std::string> encode_png(const RgbImage& image);

// PNG, written atomically. kUnreadable (I/O) or kNotFound (no folder) naming the path.
Status write_png(const std::filesystem::path& path, const RgbImage& image);

}  // namespace dynamus::reporting
