#include "tendon_surface.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tendon_image.h"

namespace dynamus::segmentation::internal {

SurfacePath trace_surface(const cv::Mat& frame_u8, const SurfaceSearch& search, double sigma_x_px,
                          double sigma_y_px) {
  const std::size_t n = search.columns_px.size();
  SurfacePath path;
  path.row_px.assign(n, std::numeric_limits<double>::quiet_NaN());
  path.contrast.assign(n, 0.0f);
  path.step.assign(n, 0.0f);
  int row0 = frame_u8.rows, row1 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (search.low_row_px[i] > search.high_row_px[i]) continue;
    row0 = std::min(row0, search.low_row_px[i] - search.far_px - 1);
    row1 = std::max(row1, search.high_row_px[i] + search.far_px + 2);
  }
  row0 = std::max(row0, 0);
  row1 = std::min(row1, frame_u8.rows);
  if (row0 >= row1) return path;
  const cv::Mat strip = smooth_strip(frame_u8, row0, row1, sigma_x_px, sigma_y_px);
  const int sign = search.side == Side::kUpper ? -1 : 1;  // toward the muscle outside

  // Feature per sample and candidate row: brightness at the row minus the mean of the muscle
  // band just outside it. The brightest line with dark tissue beside it is the paratenon.
  std::vector<std::vector<float>> feature(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int lo = std::max(search.low_row_px[i], row0 + search.far_px + 1);
    const int hi = std::min(search.high_row_px[i], row1 - search.far_px - 2);
    if (lo > hi) continue;
    const int col = std::clamp(search.columns_px[i], 0, frame_u8.cols - 1);
    feature[i].resize(std::size_t(hi - lo + 1));
    for (int r = lo; r <= hi; ++r) {
      float outside = 0.0f;
      for (int k = search.near_px; k <= search.far_px; ++k) {
        outside += strip.at<float>(r + sign * k - row0, col);
      }
      outside /= float(search.far_px - search.near_px + 1);
      feature[i][std::size_t(r - lo)] = strip.at<float>(r - row0, col) - outside;
    }
  }

  // Viterbi over the samples; a sample with no window breaks the chain.
  const float kNone = -std::numeric_limits<float>::infinity();
  std::vector<std::vector<float>> score(n);
  std::vector<std::vector<int>> back(n);
  std::vector<int> low(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (feature[i].empty()) continue;
    low[i] = std::max(search.low_row_px[i], row0 + search.far_px + 1);
    score[i] = feature[i];
    back[i].assign(feature[i].size(), -1);
    if (i == 0 || feature[i - 1].empty()) continue;
    for (std::size_t k = 0; k < feature[i].size(); ++k) {
      const int r = low[i] + int(k);
      float best = kNone;
      int best_row = -1;
      for (int d = -search.max_step_px; d <= search.max_step_px; ++d) {
        const int q = r + d - low[i - 1];
        if (q < 0 || q >= int(score[i - 1].size())) continue;
        const float s = score[i - 1][std::size_t(q)] - search.penalty_per_px * float(std::abs(d));
        if (s > best) best = s, best_row = q;
      }
      if (best_row >= 0) {
        score[i][k] += best;
        back[i][k] = best_row;
      }
    }
  }
  // Backtrack; where a chain breaks (no feasible step), the next one starts at its best row.
  int k = -1;
  for (std::size_t i = n; i-- > 0;) {
    const std::vector<float>& f = feature[i];
    if (f.empty()) {
      k = -1;
      continue;
    }
    if (k < 0) k = int(std::max_element(score[i].begin(), score[i].end()) - score[i].begin());
    double offset = 0.0;
    // Parabola through the neighbours for a sub-pixel depth.
    if (k > 0 && k + 1 < int(f.size())) {
      const double a = f[std::size_t(k - 1)], b = f[std::size_t(k)], c = f[std::size_t(k + 1)];
      const double curvature = a - 2.0 * b + c;
      if (curvature < 0.0) offset = std::clamp(0.5 * (a - c) / curvature, -0.5, 0.5);
    }
    path.row_px[i] = double(low[i] + k) + offset;
    path.contrast[i] = f[std::size_t(k)];
    const int r = low[i] + k;
    const int col = std::clamp(search.columns_px[i], 0, frame_u8.cols - 1);
    float inside = 0.0f, outside = 0.0f;
    for (int j = search.near_px; j <= search.far_px; ++j) {
      inside += strip.at<float>(r - sign * j - row0, col);
      outside += strip.at<float>(r + sign * j - row0, col);
    }
    path.step[i] = (inside - outside) / float(search.far_px - search.near_px + 1);
    k = back[i][std::size_t(k)];
  }
  return path;
}

}  // namespace dynamus::segmentation::internal
