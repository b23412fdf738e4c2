#include "dynamus/phantom/screen_capture.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

namespace dynamus::phantom {
namespace {

constexpr int kTitleBarPx = 36;
constexpr int kLeftPanelPx = 120;
constexpr int kRightPanelPx = 120;
constexpr int kTopMarginPx = 24;
constexpr int kBottomPanelPx = 60;
constexpr int kGreyBarWidthPx = 20;

void draw_chrome(cv::Mat& screen, const cv::Rect& image, double t_s) {
  screen.setTo(cv::Scalar(28));
  cv::rectangle(screen, cv::Rect(0, 0, screen.cols, kTitleBarPx), cv::Scalar(52), cv::FILLED);
  cv::putText(screen, "DYNAMUS PHANTOM   L12-5   MSK   Hamstring", {10, 24},
              cv::FONT_HERSHEY_SIMPLEX, 0.55, cv::Scalar(230), 1, cv::LINE_AA);
  const char* settings[] = {"Gn 48", "DR 55", "FR 30", "D 4.8", "12 MHz", "MI 0.9"};
  int y = image.y + 20;
  for (const char* line : settings) {
    cv::putText(screen, line, {12, y}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(200), 1,
                cv::LINE_AA);
    y += 28;
  }
  const int bar_x = image.x + image.width + kRightPanelPx / 2;
  for (int i = 0; i < 256 && image.y + i < screen.rows; ++i) {
    cv::line(screen, {bar_x, image.y + i}, {bar_x + kGreyBarWidthPx, image.y + i}, cv::Scalar(i));
  }
  for (int tick = 0; tick < image.height; tick += 50) {  // depth scale beside the image
    cv::line(screen, {image.x + image.width + 6, image.y + tick},
             {image.x + image.width + 14, image.y + tick}, cv::Scalar(220));
  }
  cv::putText(screen, fmt::format("{:05.2f} s", t_s), {image.x, image.y + image.height + 36},
              cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(220), 1, cv::LINE_AA);
}

}  // namespace

Result<ScreenCapture> screen_capture(const imaging::CineLoop& image) {
  const cv::Rect rect(kLeftPanelPx, kTitleBarPx + kTopMarginPx, image.width_px(),
                      image.height_px());
  const int width = rect.x + rect.width + kRightPanelPx;
  const int height = rect.y + rect.height + kBottomPanelPx;
  imaging::CineLoop::Parts parts;
  parts.width_px = width;
  parts.height_px = height;
  parts.frame_count = image.frame_count();
  parts.pixels.resize(std::size_t(width) * std::size_t(height) * std::size_t(image.frame_count()));
  for (int f = 0; f < image.frame_count(); ++f) {
    cv::Mat screen(height, width, CV_8UC1,
                   parts.pixels.data() + std::size_t(f) * std::size_t(width) * std::size_t(height));
    draw_chrome(screen, rect, image.has_timing() ? image.timing().timestamps_s[std::size_t(f)] : 0);
    const cv::Mat frame(image.height_px(), image.width_px(), CV_8UC1,
                        const_cast<std::uint8_t*>(image.frame(f).data()));
    frame.copyTo(screen(rect));
  }
  parts.timing = image.timing();
  parts.region_px = {0, 0, width - 1, height - 1};
  parts.source = image.source();
  parts.source.width_px = width;
  parts.source.height_px = height;
  DYNAMUS_ASSIGN_OR_RETURN(imaging::CineLoop loop, imaging::CineLoop::create(std::move(parts)));
  return ScreenCapture{std::move(loop),
                       {rect.x, rect.y, rect.x + rect.width - 1, rect.y + rect.height - 1}};
}

}  // namespace dynamus::phantom
