#include "tendon_image.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <opencv2/imgproc.hpp>

namespace dynamus::segmentation::internal {

cv::Mat smooth_strip(const cv::Mat& frame_u8, int row0, int row1, double sigma_x_px,
                     double sigma_y_px) {
  const int margin = int(std::ceil(3.0 * sigma_y_px)) + 1;
  const int top = std::max(0, row0 - margin);
  const int bottom = std::min(frame_u8.rows, row1 + margin);
  cv::Mat strip;
  frame_u8.rowRange(top, bottom).convertTo(strip, CV_32F);
  cv::GaussianBlur(strip, strip, cv::Size(0, 0), std::max(sigma_x_px, 0.1),
                   std::max(sigma_y_px, 0.1), cv::BORDER_REFLECT);
  return strip.rowRange(row0 - top, row1 - top).clone();
}

std::vector<double> fill_inner(const DepthProfileMm& profile) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> out(profile.size(), nan);
  int previous = -1;
  for (int i = 0; i < int(profile.size()); ++i) {
    if (!profile[std::size_t(i)]) continue;
    out[std::size_t(i)] = *profile[std::size_t(i)];
    if (previous >= 0 && i - previous > 1) {
      const double a = out[std::size_t(previous)], b = out[std::size_t(i)];
      for (int j = previous + 1; j < i; ++j) {
        out[std::size_t(j)] = a + (b - a) * double(j - previous) / double(i - previous);
      }
    }
    previous = i;
  }
  return out;
}

void advect_px(const imaging::Motion& motion, int from, int to, float& x_px, float& y_px) {
  // A point outside what was measured (NaN) stays where it is: there is no motion to follow.
  if (to == from || !std::isfinite(x_px) || !std::isfinite(y_px)) return;
  const int pair = std::min(from, to);
  if (pair < 0 || pair >= int(motion.pairs.size())) return;
  float dx = 0.0f, dy = 0.0f;
  motion.pairs[std::size_t(pair)].displacement_at(x_px, y_px, dx, dy);
  const float sign = to > from ? 1.0f : -1.0f;
  x_px += sign * dx;
  y_px += sign * dy;
}

std::vector<double> resample(const std::vector<double>& x_mm, const std::vector<double>& y_mm,
                             const std::vector<double>& grid_x_mm) {
  std::vector<double> out(grid_x_mm.size(), std::numeric_limits<double>::quiet_NaN());
  std::size_t j = 0;
  for (std::size_t i = 0; i < grid_x_mm.size(); ++i) {
    const double x = grid_x_mm[i];
    while (j + 1 < x_mm.size() && x_mm[j + 1] < x) ++j;
    if (j + 1 >= x_mm.size() || x < x_mm[j] || x > x_mm[j + 1]) continue;
    const double span = x_mm[j + 1] - x_mm[j];
    const double t = span > 1e-9 ? (x - x_mm[j]) / span : 0.0;
    out[i] = y_mm[j] + t * (y_mm[j + 1] - y_mm[j]);
  }
  return out;
}

std::optional<DepthSpanMm> depth_span(const std::vector<double>& upper_mm,
                                      const std::vector<double>& lower_mm) {
  std::optional<DepthSpanMm> span;
  for (std::size_t i = 0; i < upper_mm.size() && i < lower_mm.size(); ++i) {
    if (std::isnan(upper_mm[i]) || std::isnan(lower_mm[i])) continue;
    if (!span) span = DepthSpanMm{upper_mm[i], lower_mm[i]};
    span->top_mm = std::min(span->top_mm, upper_mm[i]);
    span->bottom_mm = std::max(span->bottom_mm, lower_mm[i]);
  }
  return span;
}

std::vector<double> fibre_alignment(const cv::Mat& frame_u8, const std::vector<double>& x_mm,
                                    const std::vector<double>& upper_mm,
                                    const std::vector<double>& lower_mm, double sx_mm, double sy_mm,
                                    double sigma_mm) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> out(x_mm.size(), nan);
  const std::optional<DepthSpanMm> span = depth_span(upper_mm, lower_mm);
  if (!span || !(span->top_mm < span->bottom_mm)) return out;
  const int margin = int(std::ceil(3.0 * sigma_mm / sy_mm)) + 2;
  const int row0 = std::clamp(int(std::floor(span->top_mm / sy_mm)) - margin, 0, frame_u8.rows - 1);
  const int row1 =
      std::clamp(int(std::ceil(span->bottom_mm / sy_mm)) + margin, row0 + 1, frame_u8.rows);
  cv::Mat strip, gx, gy;
  frame_u8.rowRange(row0, row1).convertTo(strip, CV_32F);
  cv::Sobel(strip, gx, CV_32F, 1, 0, 3, 1.0 / sx_mm, 0, cv::BORDER_REFLECT);
  cv::Sobel(strip, gy, CV_32F, 0, 1, 3, 1.0 / sy_mm, 0, cv::BORDER_REFLECT);
  cv::Mat jxx = gx.mul(gx), jyy = gy.mul(gy), jxy = gx.mul(gy);
  for (cv::Mat* j : {&jxx, &jyy, &jxy}) {
    cv::GaussianBlur(*j, *j, cv::Size(0, 0), sigma_mm / sx_mm, sigma_mm / sy_mm,
                     cv::BORDER_REFLECT);
  }
  for (std::size_t i = 0; i < x_mm.size(); ++i) {
    if (std::isnan(upper_mm[i]) || std::isnan(lower_mm[i])) continue;
    // The band's axis from the neighbouring samples' mid-lines.
    const std::size_t a = i > 0 ? i - 1 : i, b = i + 1 < x_mm.size() ? i + 1 : i;
    double axis = 0.0;
    if (b > a && !std::isnan(upper_mm[a] + lower_mm[a] + upper_mm[b] + lower_mm[b])) {
      axis = std::atan2(0.5 * (upper_mm[b] + lower_mm[b] - upper_mm[a] - lower_mm[a]),
                        x_mm[b] - x_mm[a]);
    }
    const int col = std::clamp(int(std::lround(x_mm[i] / sx_mm)), 0, frame_u8.cols - 1);
    const double inset = 0.15 * (lower_mm[i] - upper_mm[i]);
    double sum = 0.0;
    int count = 0;
    for (int r = int(std::lround((upper_mm[i] + inset) / sy_mm));
         r <= int(std::lround((lower_mm[i] - inset) / sy_mm)); ++r) {
      const int k = std::clamp(r - row0, 0, strip.rows - 1);
      const double xx = jxx.at<float>(k, col), yy = jyy.at<float>(k, col),
                   xy = jxy.at<float>(k, col);
      const double energy = xx + yy;
      if (energy <= 0.0) continue;
      const double coherence = std::sqrt((yy - xx) * (yy - xx) + 4.0 * xy * xy) / energy;
      // The dominant gradient's direction; the lines run across it.
      const double line = 0.5 * std::atan2(2.0 * xy, xx - yy) + 0.5 * std::numbers::pi;
      sum += coherence * std::cos(2.0 * (line - axis));
      ++count;
    }
    if (count > 0) out[i] = sum / count;
  }
  return out;
}

}  // namespace dynamus::segmentation::internal
