// Fascicle orientation between the aponeuroses: the angle along which the image, projected, keeps
// the most contrast. Perimysium lines add up coherently only along their own direction; speckle,
// being short and uncorrelated, averages away along any line, so it barely biases the angle (unlike
// a structure tensor, whose laterally elongated speckle pulls toward horizontal).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "muscle_internal.h"

namespace dynamus::segmentation::muscle_detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kBinMm = 0.1;        // finer than a perimysium line
constexpr double kMarginMm = 1.0;     // clear of the aponeuroses' own bright bands
constexpr double kTrendHalfMm = 1.0;  // depth trend removed (attenuation, TGC)
constexpr std::size_t kMinPixels = 400;
constexpr double kMinLineSpanMm = 2.0;     // candidate lines through samples this far apart
constexpr double kLineToleranceMm = 0.15;  // a traced edge's own scatter is a few hundredths

struct Pixel {
  float x_mm, y_mm, value;
};

double projection_contrast(const std::vector<Pixel>& pixels, double angle_deg,
                           std::vector<double>& sums, std::vector<int>& counts) {
  const double s = std::sin(angle_deg * std::numbers::pi / 180.0),
               c = std::cos(angle_deg * std::numbers::pi / 180.0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Pixel& p : pixels) {
    const double n = -p.x_mm * s + p.y_mm * c;
    lo = std::min(lo, n), hi = std::max(hi, n);
  }
  const std::size_t bins = std::size_t((hi - lo) / kBinMm) + 1;
  sums.assign(bins, 0.0);
  counts.assign(bins, 0);
  for (const Pixel& p : pixels) {
    const std::size_t b = std::size_t((-p.x_mm * s + p.y_mm * c - lo) / kBinMm);
    sums[b] += p.value;
    ++counts[b];
  }
  double contrast = 0.0;
  for (std::size_t b = 0; b < bins; ++b) {
    if (counts[b] > 0) contrast += sums[b] * sums[b] / counts[b];
  }
  return contrast / double(pixels.size());
}

}  // namespace

double fascicle_angle_deg(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& edges,
                          const std::vector<bool>& use, double centre_deg, double half_range_deg,
                          double step_deg) {
  const int half_cols = std::max(1, int(std::lround(grid.mm_to_cols(0.5 * kSampleStepMm))));
  const int stride = grid.spacing_x_mm < 0.15 ? 2 : 1;  // neighbours share a speckle cell
  std::vector<Pixel> pixels;
  std::vector<double> row_sum(std::size_t(frame_u8.rows), 0.0);
  std::vector<int> row_count(std::size_t(frame_u8.rows), 0);
  for (std::size_t i = 0; i < use.size(); ++i) {
    if (!use[i]) continue;
    const double top = edges.superficial_row[i], deep = edges.deep_row[i];
    const double margin = std::max(grid.mm_to_rows(kMarginMm), 0.1 * (deep - top));
    const int r0 = std::max(0, int(std::ceil(top + margin)));
    const int r1 = std::min(frame_u8.rows - 1, int(std::floor(deep - margin)));
    const int col = int(std::lround(grid.col_px[i]));
    for (int c = std::max(0, col - half_cols); c < std::min(frame_u8.cols, col + half_cols);
         c += stride) {
      for (int r = r0; r <= r1; ++r) {
        const float v = frame_u8.at<std::uint8_t>(r, c);
        pixels.push_back({float(c * grid.spacing_x_mm), float(r * grid.spacing_y_mm), v});
        row_sum[std::size_t(r)] += v;
        ++row_count[std::size_t(r)];
      }
    }
  }
  if (pixels.size() < kMinPixels) return kNaN;
  // Remove the smooth depth trend, which would otherwise favour horizontal projections.
  const int trend_half = std::max(1, int(std::lround(grid.mm_to_rows(kTrendHalfMm))));
  std::vector<double> trend(row_sum.size(), 0.0);
  for (int r = 0; r < int(row_sum.size()); ++r) {
    double sum = 0.0;
    int count = 0;
    for (int q = std::max(0, r - trend_half);
         q <= std::min(int(row_sum.size()) - 1, r + trend_half); ++q) {
      sum += row_sum[std::size_t(q)], count += row_count[std::size_t(q)];
    }
    trend[std::size_t(r)] = count > 0 ? sum / count : 0.0;
  }
  for (Pixel& p : pixels) {
    p.value -= float(trend[std::size_t(std::lround(p.y_mm / grid.spacing_y_mm))]);
  }

  std::vector<double> sums;
  std::vector<int> counts;
  auto search = [&](double from, double to, double step) {
    double best_angle = from, best = -1.0;
    for (double a = from; a <= to + 1e-9; a += step) {
      const double score = projection_contrast(pixels, a, sums, counts);
      if (score > best) best = score, best_angle = a;
    }
    return best_angle;
  };
  const double coarse = search(centre_deg - half_range_deg, centre_deg + half_range_deg, step_deg);
  const double fine_step = step_deg / 5.0;
  double angle = search(coarse - step_deg, coarse + step_deg, fine_step);
  // Parabola through the best fine angle and its neighbours.
  const double a = projection_contrast(pixels, angle - fine_step, sums, counts);
  const double b = projection_contrast(pixels, angle, sums, counts);
  const double c = projection_contrast(pixels, angle + fine_step, sums, counts);
  const double denominator = a - 2 * b + c;
  if (denominator < 0.0) angle += fine_step * std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5);
  if (angle > 90.0) angle -= 180.0;
  if (angle <= -90.0) angle += 180.0;
  return angle;
}

double deep_slope_deg(const Grid& grid, const ApoProfiles& edges, const std::vector<bool>& use) {
  // The line through the most samples (within kLineToleranceMm), refined by least squares over
  // them: the aponeurosis's straight run, which neither the junction's taper nor a tendon's
  // swelling tilts (a median of pairwise slopes still leaned toward either by a few tenths).
  std::vector<double> x_mm, y_mm;
  for (std::size_t i = 0; i < use.size(); ++i) {
    if (!use[i] || std::isnan(edges.deep_row[i])) continue;
    x_mm.push_back(grid.col_px[i] * grid.spacing_x_mm);
    y_mm.push_back(edges.deep_row[i] * grid.spacing_y_mm);
  }
  const std::size_t n = x_mm.size();
  if (n < 2) return 0.0;
  std::size_t best_count = 0;
  double best_slope = 0.0, best_offset = 0.0;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      if (x_mm[b] - x_mm[a] < kMinLineSpanMm) continue;
      const double slope = (y_mm[b] - y_mm[a]) / (x_mm[b] - x_mm[a]);
      const double offset = y_mm[a] - slope * x_mm[a];
      std::size_t count = 0;
      for (std::size_t k = 0; k < n; ++k) {
        count += std::abs(y_mm[k] - slope * x_mm[k] - offset) <= kLineToleranceMm;
      }
      if (count > best_count) best_count = count, best_slope = slope, best_offset = offset;
    }
  }
  if (best_count < 2) return 0.0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (std::abs(y_mm[k] - best_slope * x_mm[k] - best_offset) > kLineToleranceMm) continue;
    sx += x_mm[k], sy += y_mm[k], sxx += x_mm[k] * x_mm[k], sxy += x_mm[k] * y_mm[k], ++m;
  }
  const double denominator = m * sxx - sx * sx;
  const double slope = denominator > 1e-9 ? (m * sxy - sx * sy) / denominator : best_slope;
  return std::atan(slope) * 180.0 / std::numbers::pi;
}

}  // namespace dynamus::segmentation::muscle_detail
