// The annotated loop as H.264 MP4, each frame the same picture as the annotated PNGs.
#include <algorithm>

#include "dynamus/imaging/write.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/reporting/annotated_frame.h"
#include "dynamus/reporting/report.h"

namespace dynamus::reporting {
namespace {

// Played at this rate when the loop says nothing about its timing.
constexpr double kUntimedFps = 10.0;
constexpr std::uint8_t kPaddingGrey = 24;  // the caption band's background

RgbImage frame_image(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                     int frame) {
  return render_annotated_frame(loop, overlay::frame_overlay(loop, analysis, frame));
}

// `image` in a `width` x `height` frame: every frame gets the first frame's size, so that a
// caption that grew by a line cannot change the video's size.
void fit(const RgbImage& image, int width, int height, std::vector<std::uint8_t>& rgb) {
  std::fill(rgb.begin(), rgb.end(), kPaddingGrey);
  const int columns = std::min(width, image.width_px);
  for (int row = 0; row < std::min(height, image.height_px); ++row) {
    const auto* in = image.rgb.data() + std::size_t(row) * image.width_px * 3;
    std::copy(in, in + std::size_t(columns) * 3, rgb.begin() + std::ptrdiff_t(row) * width * 3);
  }
}

}  // namespace

Status write_annotated_video(const std::filesystem::path& path, const imaging::CineLoop& loop,
                             const segmentation::Analysis& analysis) {
  const RgbImage first = frame_image(loop, analysis, 0);
  return imaging::write_rgb_video(path, loop.fps().value_or(kUntimedFps), first.width_px,
                                  first.height_px, loop.frame_count(),
                                  [&](int frame, std::vector<std::uint8_t>& rgb) {
                                    fit(frame == 0 ? first : frame_image(loop, analysis, frame),
                                        first.width_px, first.height_px, rgb);
                                    return ok_status();
                                  });
}

}  // namespace dynamus::reporting
