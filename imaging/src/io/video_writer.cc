// H.264 MP4 through OpenCV's FFmpeg backend: the loop as people watch it, at its frame rate.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <system_error>

#include "dynamus/core/atomic_file.h"
#include "dynamus/imaging/write.h"

namespace dynamus::imaging {
namespace {

// H.264 in 4:2:0 needs even sizes; OpenCV would silently drop the odd column or row.
int even_size(int size_px) { return size_px + size_px % 2; }

Status encode(double fps, int width_px, int height_px, int frame_count,
              const RgbFrameSource& source, const std::filesystem::path& temporary) {
  const int width = even_size(width_px);
  const int height = even_size(height_px);
  cv::VideoWriter writer(temporary.string(), cv::CAP_FFMPEG,
                         cv::VideoWriter::fourcc('a', 'v', 'c', '1'), fps, {width, height},
                         /*isColor=*/true);
  if (!writer.isOpened()) {
    return Status(StatusCode::kUnsupported,
                  "OpenCV's FFmpeg backend cannot encode H.264 ('avc1') MP4 here");
  }
  std::vector<std::uint8_t> rgb;
  cv::Mat padded;
  cv::Mat bgr;
  for (int f = 0; f < frame_count; ++f) {
    rgb.assign(std::size_t(width_px) * std::size_t(height_px) * 3, 0);
    DYNAMUS_RETURN_IF_ERROR(source(f, rgb));
    const cv::Mat frame(height_px, width_px, CV_8UC3, rgb.data());
    cv::copyMakeBorder(frame, padded, 0, height - height_px, 0, width - width_px,
                       cv::BORDER_REPLICATE);
    cv::cvtColor(padded, bgr, cv::COLOR_RGB2BGR);
    writer.write(bgr);
  }
  writer.release();
  // VideoWriter reports no errors after opening; an encoder that gave up leaves an empty file.
  std::error_code error;
  if (std::filesystem::file_size(temporary, error) == 0 || error) {
    return Status(StatusCode::kInternal, "FFmpeg wrote no video data");
  }
  return ok_status();
}

}  // namespace

Status write_video(const CineLoop& loop, const std::filesystem::path& path) {
  const std::optional<double> fps = loop.fps();
  if (!fps) {
    return Status(StatusCode::kInvalidArgument,
                  "the loop has no frame rate (no timing, or a single frame)", path.string());
  }
  return write_rgb_video(path, *fps, loop.width_px(), loop.height_px(), loop.frame_count(),
                         [&](int frame, std::vector<std::uint8_t>& rgb) {
                           const std::span<const std::uint8_t> grey = loop.frame(frame);
                           for (std::size_t i = 0; i < grey.size(); ++i) {
                             rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
                           }
                           return ok_status();
                         });
}

Status write_rgb_video(const std::filesystem::path& path, double fps, int width_px, int height_px,
                       int frame_count, const RgbFrameSource& source) {
  const std::string context = path.string();
  if (fps <= 0.0 || width_px <= 0 || height_px <= 0 || frame_count <= 0) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("a video needs a positive fps, size and frame count (got {} fps, "
                              "{}x{} px, {} frames)",
                              fps, width_px, height_px, frame_count),
                  context);
  }
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (extension != ".mp4") {
    return Status(StatusCode::kInvalidArgument,
                  "the video path must end in .mp4 (FFmpeg picks the container from it)", context);
  }
  return write_file_atomically(path, [&](const std::filesystem::path& temporary) -> Status {
    try {
      return encode(fps, width_px, height_px, frame_count, source, temporary);
    } catch (const cv::Exception& error) {
      return Status(StatusCode::kInternal, fmt::format("video encoding failed: {}", error.what()));
    } catch (const std::bad_alloc&) {
      return Status(StatusCode::kTooLarge, "out of memory while encoding the video");
    }
  });
}

}  // namespace dynamus::imaging
