#include "tendon_image.h"

#include <algorithm>
#include <cmath>
#include <limits>
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
  if (to == from) return;
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

}  // namespace dynamus::segmentation::internal
