#include "io/grey_frames.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

namespace dynamus::imaging::io {

Status append_grey_frame(const cv::Mat& image, ChannelOrder order,
                         std::vector<std::uint8_t>& pixels) {
  cv::Mat eight_bit;
  switch (image.depth()) {
    case CV_8U:
      eight_bit = image;
      break;
    case CV_16U:
      image.convertTo(eight_bit, CV_8U, 255.0 / 65535.0);
      break;
    default:
      return Status(StatusCode::kUnsupported,
                    fmt::format("pixel depth {} is not 8 or 16 bit unsigned", image.depth()));
  }
  cv::Mat grey;
  switch (eight_bit.channels()) {
    case 1:
      grey = eight_bit;
      break;
    case 3:
      cv::cvtColor(eight_bit, grey,
                   order == ChannelOrder::kBgr ? cv::COLOR_BGR2GRAY : cv::COLOR_RGB2GRAY);
      break;
    case 4:
      cv::cvtColor(eight_bit, grey,
                   order == ChannelOrder::kBgr ? cv::COLOR_BGRA2GRAY : cv::COLOR_RGBA2GRAY);
      break;
    default:
      return Status(StatusCode::kUnsupported,
                    fmt::format("{} colour channels are not supported", eight_bit.channels()));
  }
  const std::size_t offset = pixels.size();
  pixels.resize(offset + grey.total());
  cv::Mat destination(grey.rows, grey.cols, CV_8UC1, pixels.data() + offset);
  grey.copyTo(destination);
  return ok_status();
}

Result<std::string> append_rescaled_grey(const cv::Mat& stacked,
                                         std::vector<std::uint8_t>& pixels) {
  if (stacked.channels() != 1) {
    return Status(StatusCode::kUnsupported, "only single-channel data can be rescaled to grey");
  }
  double min_value = 0.0, max_value = 0.0;
  cv::minMaxLoc(stacked, &min_value, &max_value);
  const double range = max_value - min_value;
  const double scale = range > 0.0 ? 255.0 / range : 0.0;
  const std::size_t offset = pixels.size();
  pixels.resize(offset + stacked.total());
  cv::Mat destination(stacked.rows, stacked.cols, CV_8UC1, pixels.data() + offset);
  stacked.convertTo(destination, CV_8U, scale, -min_value * scale);
  const int depth = stacked.depth();
  const char* kind = depth == CV_32F || depth == CV_64F                     ? "float"
                     : depth == CV_8S || depth == CV_16S || depth == CV_32S ? "signed"
                                                                            : "unsigned";
  return fmt::format("{}-bit {} data mapped linearly from [{:g}, {:g}] to 8-bit grey",
                     8 * stacked.elemSize1(), kind, min_value, max_value);
}

}  // namespace dynamus::imaging::io
