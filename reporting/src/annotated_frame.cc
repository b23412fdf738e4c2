#include "dynamus/reporting/annotated_frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "dynamus/core/atomic_file.h"

namespace dynamus::reporting {
namespace {

constexpr int kMinimumWidthPx = 800;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kFontScale = 0.5;
constexpr int kLineHeightPx = 20;
constexpr int kMarginPx = 8;
constexpr int kLineWidthPx = 2;
constexpr int kMarkerHalfPx = 7;
constexpr int kTickHalfPx = 5;

cv::Scalar bgr(overlay::Rgba c) { return cv::Scalar(c.b, c.g, c.r); }

struct Placement {
  double px_per_mm_x, px_per_mm_y;
  cv::Point at(overlay::PointMm p) const {
    // Pixel centres: mm 0 is the centre of the first pixel, i.e. (scale - 1) / 2 in the canvas.
    return {int(std::lround(p.x_mm * px_per_mm_x + (scale - 1) / 2.0)),
            int(std::lround(p.y_mm * px_per_mm_y + (scale - 1) / 2.0))};
  }
  int scale;
};

// Text with a dark outline: readable on bright tendon and on black fluid alike.
void outlined_text(cv::Mat& canvas, const std::string& text, cv::Point at, cv::Scalar colour) {
  cv::putText(canvas, text, at, kFont, kFontScale, cv::Scalar(0, 0, 0), 4, cv::LINE_AA);
  cv::putText(canvas, text, at, kFont, kFontScale, colour, 1, cv::LINE_AA);
}

void draw_paths(cv::Mat& image, const overlay::FrameOverlay& overlay, const Placement& place) {
  for (const overlay::Path& path : overlay.paths) {
    std::vector<cv::Point> points;
    for (const auto& p : path.points_mm) points.push_back(place.at(p));
    if (path.fill) {
      cv::Mat layer = image.clone();
      cv::fillPoly(layer, std::vector<std::vector<cv::Point>>{points}, bgr(*path.fill),
                   cv::LINE_AA);
      const double alpha = path.fill->a / 255.0;
      cv::addWeighted(layer, alpha, image, 1.0 - alpha, 0.0, image);
    }
    cv::polylines(image, points, path.closed, bgr(path.stroke), kLineWidthPx, cv::LINE_AA);
  }
}

// The baseline-left point nearest `at` (stepping away in depth) at which a label of `size` stays
// inside the image and overlaps none of `placed`; the label's box is added to `placed`.
cv::Point free_label_position(cv::Point at, cv::Size size, cv::Size image,
                              std::vector<cv::Rect>& placed) {
  auto clamped = [&](cv::Point p) {
    return cv::Point(std::clamp(p.x, 2, image.width - size.width - 2),
                     std::clamp(p.y, size.height + 2, image.height - 4));
  };
  auto box = [&](cv::Point p) {
    return cv::Rect(p.x - 2, p.y - size.height - 2, size.width + 4, size.height + 6);
  };
  auto is_free = [&](cv::Point p) {
    return std::none_of(placed.begin(), placed.end(),
                        [&](const cv::Rect& r) { return (r & box(p)).area() > 0; });
  };
  cv::Point best = clamped(at);
  const int step = size.height + 6;
  for (int k = 1; !is_free(best) && k <= 8; ++k) {
    // Alternately above and below, further each time.
    const cv::Point candidate =
        clamped(at + cv::Point(0, (k % 2 == 1 ? -1 : 1) * ((k + 1) / 2) * step));
    if (is_free(candidate)) best = candidate;
  }
  placed.push_back(box(best));
  return best;
}

void draw_measurements(cv::Mat& image, const overlay::FrameOverlay& overlay,
                       const Placement& place) {
  std::vector<cv::Rect> placed;
  for (const overlay::Arrow& arrow : overlay.arrows) {
    const cv::Point a = place.at(arrow.from_mm), b = place.at(arrow.to_mm);
    if (a == b) {
      cv::circle(image, a, 1, bgr(arrow.colour), cv::FILLED, cv::LINE_AA);
    } else {
      cv::arrowedLine(image, a, b, bgr(arrow.colour), 1, cv::LINE_AA, 0, 0.3);
    }
  }
  for (const overlay::Marker& marker : overlay.markers) {
    const cv::Point c = place.at(marker.at_mm);
    cv::drawMarker(image, c, cv::Scalar(0, 0, 0), cv::MARKER_CROSS, 2 * kMarkerHalfPx + 2, 4);
    cv::drawMarker(image, c, bgr(marker.colour), cv::MARKER_CROSS, 2 * kMarkerHalfPx, 2);
  }
  for (const overlay::Caliper& caliper : overlay.calipers) {
    const cv::Point a = place.at(caliper.from_mm), b = place.at(caliper.to_mm);
    cv::line(image, a, b, bgr(caliper.colour), 1, cv::LINE_AA);
    // End ticks across the caliper.
    const cv::Point2d d(b - a);
    const double length = std::max(1.0, std::hypot(d.x, d.y));
    const cv::Point normal(int(std::lround(-d.y / length * kTickHalfPx)),
                           int(std::lround(d.x / length * kTickHalfPx)));
    cv::line(image, a - normal, a + normal, bgr(caliper.colour), kLineWidthPx, cv::LINE_AA);
    cv::line(image, b - normal, b + normal, bgr(caliper.colour), kLineWidthPx, cv::LINE_AA);
    // The label beside the caliper's middle (above a horizontal one), inside the image and clear
    // of the labels already placed.
    int baseline = 0;
    const cv::Size size = cv::getTextSize(caliper.label, kFont, kFontScale, 1, &baseline);
    // Beside a vertical caliper on the side facing the image's centre, so it is not cut off.
    const cv::Point middle = (a + b) / 2;
    cv::Point at = middle.x < image.cols / 2
                       ? middle + cv::Point(kMarginPx, -kMarginPx)
                       : middle + cv::Point(-kMarginPx - size.width, -kMarginPx);
    if (std::abs(d.x) > std::abs(d.y)) {
      at = middle + cv::Point(-size.width / 2, -2 * kMarginPx);
    }
    at = free_label_position(at, size, image.size(), placed);
    outlined_text(image, caliper.label, at, bgr(caliper.colour));
  }
}

// Caption lines, then the legend in a row, below the image.
cv::Mat caption_panel(const overlay::FrameOverlay& overlay, int width_px) {
  const int lines = int(overlay.caption.size()) + 1;
  cv::Mat panel(lines * kLineHeightPx + 2 * kMarginPx, width_px, CV_8UC3, cv::Scalar(24, 24, 24));
  int y = kMarginPx + kLineHeightPx - 6;
  for (const std::string& line : overlay.caption) {
    cv::putText(panel, line, {kMarginPx, y}, kFont, kFontScale, cv::Scalar(235, 235, 235), 1,
                cv::LINE_AA);
    y += kLineHeightPx;
  }
  int x = kMarginPx;
  for (const overlay::LegendEntry& entry : overlay::legend()) {
    cv::rectangle(panel, {x, y - 10}, {x + 18, y}, bgr(entry.colour), cv::FILLED);
    x += 24;
    cv::putText(panel, entry.name, {x, y}, kFont, 0.45, cv::Scalar(235, 235, 235), 1, cv::LINE_AA);
    int baseline = 0;
    x += cv::getTextSize(entry.name, kFont, 0.45, 1, &baseline).width + 16;
  }
  return panel;
}

}  // namespace

RgbImage render_annotated_frame(const imaging::CineLoop& loop, const overlay::FrameOverlay& overlay,
                                int scale) {
  if (scale <= 0) scale = std::max(1, (kMinimumWidthPx + loop.width_px() - 1) / loop.width_px());
  const auto frame = loop.frame(overlay.frame);
  const cv::Mat grey(loop.height_px(), loop.width_px(), CV_8UC1,
                     const_cast<std::uint8_t*>(frame.data()));
  cv::Mat image;
  cv::resize(grey, image, {}, scale, scale, cv::INTER_NEAREST);
  cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
  if (const auto& spacing = loop.calibration().spacing_mm) {
    const Placement place{scale / (*spacing)[0], scale / (*spacing)[1], scale};
    draw_paths(image, overlay, place);
    draw_measurements(image, overlay, place);
  }
  cv::Mat canvas;
  cv::vconcat(image, caption_panel(overlay, image.cols), canvas);
  cv::cvtColor(canvas, canvas, cv::COLOR_BGR2RGB);
  RgbImage result{canvas.cols, canvas.rows, {}};
  result.rgb.assign(canvas.datastart, canvas.dataend);
  return result;
}

Result<std::string> encode_png(const RgbImage& image) {
  cv::Mat rgb(image.height_px, image.width_px, CV_8UC3,
              const_cast<std::uint8_t*>(image.rgb.data()));
  cv::Mat bgr_image;
  cv::cvtColor(rgb, bgr_image, cv::COLOR_RGB2BGR);
  std::vector<std::uint8_t> png;
  try {
    if (!cv::imencode(".png", bgr_image, png)) {
      return Status(StatusCode::kInternal, "cannot encode the PNG");
    }
  } catch (const cv::Exception& error) {
    return Status(StatusCode::kInternal, fmt::format("cannot encode the PNG: {}", error.what()));
  }
  return std::string(png.begin(), png.end());
}

Status write_png(const std::filesystem::path& path, const RgbImage& image) {
  Result<std::string> png = encode_png(image);
  if (!png.ok()) return png.status().with_context(path.string());
  return write_text_file_atomically(path, *png);
}

}  // namespace dynamus::reporting
