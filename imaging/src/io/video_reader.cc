// Videos (MP4, AVI, MKV) through OpenCV's FFmpeg backend, with the container's presentation
// timestamps as frame times.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/videoio.hpp>

#include "io/decoded_cine.h"
#include "io/grey_frames.h"

namespace dynamus::imaging::io {
namespace {

constexpr double kMsPerSecond = 1000.0;
// Containers often declare a frame count a frame or two off; more than this is worth saying.
constexpr double kDeclaredFrameSlack = 2.0;

std::string fourcc_text(double fourcc) {
  const auto code = static_cast<std::uint32_t>(fourcc);
  std::string text;
  for (int shift = 0; shift < 32; shift += 8) {
    const char c = static_cast<char>((code >> shift) & 0xff);
    if (std::isprint(static_cast<unsigned char>(c)) && c != ' ') text += c;
  }
  return text;
}

// Presentation times must rise strictly. OpenCV reports 0 for the last frames drained from an
// H.264 decoder (its B-frame delay); those continue at the container's rate without comment. A
// time that fails to rise anywhere else means the container's times are unreliable: all frames
// then get the container's rate and the caller says so. Returns false in that case.
bool repair_timestamps(std::vector<double>& t, double fps) {
  std::size_t first_bad = t.size();
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (!(t[i] > t[i - 1])) {
      first_bad = i;
      break;
    }
  }
  if (first_bad == t.size()) return true;
  const bool tail_is_zero = std::all_of(t.begin() + std::ptrdiff_t(first_bad), t.end(),
                                        [](double v) { return v == 0.0; });
  const bool can_extrapolate = std::isfinite(fps) && fps > 0.0;
  if (tail_is_zero && can_extrapolate) {
    for (std::size_t i = first_bad; i < t.size(); ++i) t[i] = t[i - 1] + 1.0 / fps;
    return true;
  }
  return false;
}

}  // namespace

Result<DecodedCine> read_video(const std::filesystem::path& path, std::uint64_t max_memory_bytes) {
  try {
    cv::VideoCapture capture(path.string(), cv::CAP_FFMPEG);
    if (!capture.isOpened()) {
      return Status(StatusCode::kUnreadable,
                    "FFmpeg cannot open this video (corrupt container "
                    "or unsupported codec)");
    }
    DecodedCine cine;
    cine.width_px = int(capture.get(cv::CAP_PROP_FRAME_WIDTH));
    cine.height_px = int(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
    const double declared_frames = capture.get(cv::CAP_PROP_FRAME_COUNT);
    const double container_fps = capture.get(cv::CAP_PROP_FPS);
    DYNAMUS_RETURN_IF_ERROR(check_declared_size(
        std::uint64_t(std::max(cine.width_px, 0)), std::uint64_t(std::max(cine.height_px, 0)),
        std::uint64_t(std::max(declared_frames, 1.0)), 1, 1, max_memory_bytes));

    const std::size_t frame_bytes = std::size_t(cine.width_px) * std::size_t(cine.height_px);
    // The declared count passed the ceiling check: reserving it avoids regrowing the loop.
    if (declared_frames > 0) cine.pixels.reserve(frame_bytes * std::size_t(declared_frames));
    std::vector<double> times_s;
    cv::Mat frame;
    while (capture.read(frame)) {
      if (frame.cols != cine.width_px || frame.rows != cine.height_px) {
        return Status(StatusCode::kInvalidData,
                      fmt::format("frame {} is {}x{}, the video declares {}x{}", times_s.size(),
                                  frame.cols, frame.rows, cine.width_px, cine.height_px));
      }
      // The declared count can be wrong; the ceiling holds for what is actually decoded.
      if (cine.pixels.size() + frame_bytes > max_memory_bytes) {
        return check_declared_size(frame_bytes, 1, times_s.size() + 1, 1, 1, max_memory_bytes);
      }
      DYNAMUS_RETURN_IF_ERROR(append_grey_frame(frame, ChannelOrder::kBgr, cine.pixels));
      times_s.push_back(capture.get(cv::CAP_PROP_POS_MSEC) / kMsPerSecond);
    }
    cine.frame_count = int(times_s.size());
    if (cine.frame_count == 0) {
      return Status(StatusCode::kInvalidData, "the video holds no decodable frame");
    }
    if (declared_frames > 0 && std::abs(declared_frames - cine.frame_count) > kDeclaredFrameSlack) {
      cine.warnings.push_back(fmt::format("the container declares {} frames; {} were decoded",
                                          declared_frames, cine.frame_count));
    }
    const double first_s = times_s.front();
    for (double& t : times_s) t = t == 0.0 ? 0.0 : t - first_s;
    if (repair_timestamps(times_s, container_fps)) {
      cine.timing = {TimingSource::kContainer, std::move(times_s)};
    } else if (std::isfinite(container_fps) && container_fps > 0.0) {
      cine.timing = {TimingSource::kContainer,
                     uniform_timestamps_s(cine.frame_count, container_fps)};
      cine.warnings.push_back(fmt::format(
          "frame timestamps are not increasing; using the container's {:.3f} fps", container_fps));
    }
    cine.source.format = "video";
    cine.source.codec = fourcc_text(capture.get(cv::CAP_PROP_FOURCC));
    return cine;
  } catch (const cv::Exception& error) {
    return Status(StatusCode::kInvalidData, fmt::format("video decoding failed: {}", error.msg));
  }
}

}  // namespace dynamus::imaging::io
