// Aponeurosis edges from frame to frame: moved by the tracked motion, snapped to this frame's
// edges, and the belly told apart from the tendon under the deep aponeurosis.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "muscle_internal.h"

namespace dynamus::segmentation::muscle_detail {
namespace {

constexpr double kEdgeHalfWidthMm = 0.6;  // lateral averaging: a few speckle cells
constexpr double kEdgeSigmaMm = 0.1;      // axial smoothing before the derivative
constexpr int kMedianSamples = 5;         // 2.5 mm along x
constexpr double kFollowWindowMm = 0.3;   // motion errors between two frames are far smaller
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// An aponeurosis or fascia is at least this thick, and brighter than the muscle beside it by
// more than speckle's local mean varies over a box of this size.
constexpr double kBandDepthMm = 0.6;
constexpr int kMinRunSamples = 4;  // 2 mm
constexpr double kBandMarginGrey = 8.0;
// B-mode grey is log-compressed echo; an edge (a blurred step in echo amplitude) lies at the
// steepest change of the amplitude, not of its logarithm, which would put it on the dark side.
// (Strictly the mean intensity, amplitude squared, is the symmetrically blurred step, and the
// amplitude's steepest point still sits slightly on the dark side: the muscle measures ~0.1 mm
// thin. Intensity is steepest on the step but its speckle, twice as contrasted, made the edges
// jump to bright speckle inside the fascia; it needs a more robust edge locator first.)
// A typical display range is assumed to undo the compression.
constexpr double kAssumedDynamicRangeDb = 55.0;

const std::array<double, 256>& amplitude_of_grey() {
  static const std::array<double, 256> table = [] {
    std::array<double, 256> t{};
    for (int g = 0; g < 256; ++g) {
      t[std::size_t(g)] = std::pow(10.0, (g - 255) * kAssumedDynamicRangeDb / 255.0 / 20.0);
    }
    return t;
  }();
  return table;
}

// Mean grey over columns [col - half, col + half] and rows [lo, hi] (clipped); NaN when empty.
double box_mean(const cv::Mat& frame_u8, int col, int half, int lo, int hi) {
  const int c0 = std::max(0, col - half), c1 = std::min(frame_u8.cols - 1, col + half);
  lo = std::max(0, lo), hi = std::min(frame_u8.rows - 1, hi);
  if (c0 > c1 || lo > hi) return kNaN;
  double sum = 0.0;
  for (int r = lo; r <= hi; ++r) {
    const std::uint8_t* row = frame_u8.ptr<std::uint8_t>(r);
    for (int c = c0; c <= c1; ++c) sum += row[c];
  }
  return sum / double((c1 - c0 + 1) * (hi - lo + 1));
}

std::vector<double> running_median(const std::vector<double>& values, int width) {
  std::vector<double> out(values.size(), kNaN);
  const int n = int(values.size()), half = width / 2;
  std::vector<double> window;
  for (int i = 0; i < n; ++i) {
    if (std::isnan(values[std::size_t(i)])) continue;
    window.clear();
    for (int j = std::max(0, i - half); j <= std::min(n - 1, i + half); ++j) {
      if (!std::isnan(values[std::size_t(j)])) window.push_back(values[std::size_t(j)]);
    }
    std::nth_element(window.begin(), window.begin() + std::ptrdiff_t(window.size() / 2),
                     window.end());
    out[std::size_t(i)] = window[window.size() / 2];
  }
  return out;
}

// Linear interpolation of points (x, y) with increasing x at `at`; NaN outside them.
double interpolate(const std::vector<double>& xs, const std::vector<double>& ys, double at) {
  if (xs.empty() || at < xs.front() || at > xs.back()) return kNaN;
  const auto it = std::lower_bound(xs.begin(), xs.end(), at);
  const std::size_t j = std::size_t(it - xs.begin());
  if (j == 0) return ys[0];
  const double t = (at - xs[j - 1]) / std::max(1e-9, xs[j] - xs[j - 1]);
  return ys[j - 1] + t * (ys[j] - ys[j - 1]);
}

std::vector<double> moved(const Grid& grid, const std::vector<double>& rows,
                          const imaging::FlowField& flow) {
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (std::isnan(rows[i])) continue;
    float dx = 0.0f, dy = 0.0f;
    flow.displacement_at(float(grid.col_px[i]), float(rows[i]), dx, dy);
    const double x = grid.col_px[i] + dx;
    if (!xs.empty() && x <= xs.back()) continue;  // keeps x increasing under any fold
    xs.push_back(x);
    ys.push_back(rows[i] + dy);
  }
  std::vector<double> out(rows.size(), kNaN);
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = interpolate(xs, ys, grid.col_px[i]);
  // Samples that moved in from beyond the image edge keep their previous depth.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (std::isnan(out[i])) out[i] = rows[i];
  }
  return out;
}

}  // namespace

std::vector<double> snap_to_edges(const cv::Mat& frame_u8, const Grid& grid,
                                  const std::vector<double>& rows, int polarity,
                                  double window_rows) {
  const int half = std::max(1, int(std::lround(grid.mm_to_cols(kEdgeHalfWidthMm))));
  const double sigma = std::max(0.7, grid.mm_to_rows(kEdgeSigmaMm));
  const int pad = int(std::ceil(3 * sigma)) + 1;
  std::vector<double> kernel;
  for (int k = -pad + 1; k < pad; ++k) kernel.push_back(std::exp(-0.5 * k * k / (sigma * sigma)));
  const std::array<double, 256>& amplitude = amplitude_of_grey();
  std::vector<double> snapped(rows.size(), kNaN), profile, smooth;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (std::isnan(rows[i])) continue;
    const int col = std::clamp(int(std::lround(grid.col_px[i])), 0, frame_u8.cols - 1);
    const int lo = int(std::floor(rows[i] - window_rows)) - 1;
    const int hi = int(std::ceil(rows[i] + window_rows)) + 1;
    const int first = std::max(0, lo - pad), last = std::min(frame_u8.rows - 1, hi + pad);
    if (last - first < 3) continue;
    profile.assign(std::size_t(last - first + 1), 0.0);
    const int c0 = std::max(0, col - half), c1 = std::min(frame_u8.cols - 1, col + half);
    for (int r = first; r <= last; ++r) {
      const std::uint8_t* row = frame_u8.ptr<std::uint8_t>(r);
      double sum = 0.0;
      for (int c = c0; c <= c1; ++c) sum += amplitude[row[c]];
      profile[std::size_t(r - first)] = sum / (c1 - c0 + 1);
    }
    smooth.assign(profile.size(), 0.0);
    for (int j = 0; j < int(profile.size()); ++j) {
      double sum = 0.0, weight = 0.0;
      for (int k = 0; k < int(kernel.size()); ++k) {
        const int q = j + k - (pad - 1);
        if (q < 0 || q >= int(profile.size())) continue;
        sum += kernel[std::size_t(k)] * profile[std::size_t(q)];
        weight += kernel[std::size_t(k)];
      }
      smooth[std::size_t(j)] = sum / weight;
    }
    // Derivative at half-rows between neighbours: the edge lies where the grey changes most.
    double best = -std::numeric_limits<double>::infinity(), best_row = kNaN;
    std::vector<double> derivative(smooth.size(), 0.0);
    for (std::size_t j = 1; j + 1 < smooth.size(); ++j) {
      derivative[j] = polarity * 0.5 * (smooth[j + 1] - smooth[j - 1]);
    }
    const int from = std::max(first + 1, int(std::ceil(rows[i] - window_rows)));
    const int to = std::min(last - 1, int(std::floor(rows[i] + window_rows)));
    for (int r = from; r <= to; ++r) {
      const double d = derivative[std::size_t(r - first)];
      if (d > best) best = d, best_row = r;
    }
    if (std::isnan(best_row) || best <= 0.0) {
      snapped[i] = rows[i];
      continue;
    }
    const std::size_t j = std::size_t(int(best_row) - first);
    if (j >= 1 && j + 1 < derivative.size()) {
      const double a = derivative[j - 1], b = derivative[j], c = derivative[j + 1];
      const double denominator = a - 2 * b + c;
      if (denominator < 0.0) best_row += std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5);
    }
    snapped[i] = best_row;
  }
  return running_median(snapped, kMedianSamples);
}

ApoProfiles follow_aponeuroses(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& prev,
                               const imaging::FlowField* flow) {
  ApoProfiles next;
  next.superficial_row = flow ? moved(grid, prev.superficial_row, *flow) : prev.superficial_row;
  next.deep_row = flow ? moved(grid, prev.deep_row, *flow) : prev.deep_row;
  const double window = std::max(1.5, grid.mm_to_rows(kFollowWindowMm));
  next.superficial_row = snap_to_edges(frame_u8, grid, next.superficial_row, -1, window);
  next.deep_row = snap_to_edges(frame_u8, grid, next.deep_row, +1, window);
  return next;
}

ApoProfiles visible_edges(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& edges) {
  const int half = std::max(1, int(std::lround(grid.mm_to_cols(1.0))));
  auto rows = [&](double mm) { return int(std::lround(grid.mm_to_rows(mm))); };
  // direction: +1 for the deep edge (band below it, muscle above), -1 for the superficial one.
  auto visible = [&](const std::vector<double>& profile, int direction) {
    std::vector<double> out = profile;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (std::isnan(out[i])) continue;
      const int col = int(std::lround(grid.col_px[i]));
      const int e = int(std::lround(out[i]));
      // Both halves of the band's depth: a perimysium line over fluid is bright only near.
      auto mean_between = [&](double from_mm, double to_mm) {
        const int a = e + direction * rows(from_mm), b = e + direction * rows(to_mm);
        return box_mean(frame_u8, col, half, std::min(a, b), std::max(a, b));
      };
      const double band = std::min(mean_between(0.0, 0.5 * kBandDepthMm),
                                   mean_between(0.5 * kBandDepthMm, kBandDepthMm));
      const double muscle = mean_between(-1.0, -0.3);
      if (std::isnan(band) || std::isnan(muscle) || band < muscle + kBandMarginGrey) {
        out[i] = kNaN;
      }
    }
    // Runs of seen samples too short to be a stretch of aponeurosis are what crossed a gap.
    const int n = int(out.size());
    for (int i = 0; i < n;) {
      if (std::isnan(out[std::size_t(i)])) {
        ++i;
        continue;
      }
      int j = i;
      while (j < n && !std::isnan(out[std::size_t(j)])) ++j;
      if (j - i < kMinRunSamples) {
        for (int k = i; k < j; ++k) out[std::size_t(k)] = kNaN;
      }
      i = j;
    }
    return out;
  };
  return {visible(edges.superficial_row, -1), visible(edges.deep_row, +1)};
}

std::vector<double> bridged(const std::vector<double>& rows) {
  std::vector<double> out = rows;
  const int n = int(rows.size());
  int last_seen = -1;
  for (int i = 0; i < n; ++i) {
    if (std::isnan(rows[std::size_t(i)])) continue;
    if (last_seen < 0) {
      for (int j = 0; j < i; ++j) out[std::size_t(j)] = rows[std::size_t(i)];
    } else {
      for (int j = last_seen + 1; j < i; ++j) {
        const double t = double(j - last_seen) / double(i - last_seen);
        out[std::size_t(j)] = (1.0 - t) * rows[std::size_t(last_seen)] + t * rows[std::size_t(i)];
      }
    }
    last_seen = i;
  }
  if (last_seen >= 0) {
    for (int j = last_seen + 1; j < n; ++j) out[std::size_t(j)] = rows[std::size_t(last_seen)];
  }
  return out;
}

std::vector<bool> belly_samples(const cv::Mat& frame_u8, const Grid& grid,
                                const ApoProfiles& edges) {
  const int half = std::max(1, int(std::lround(grid.mm_to_cols(1.0))));
  auto rows = [&](double mm) { return int(std::lround(grid.mm_to_rows(mm))); };
  std::vector<bool> belly(edges.deep_row.size(), false);
  for (std::size_t i = 0; i < belly.size(); ++i) {
    const double top = edges.superficial_row[i], deep = edges.deep_row[i];
    if (std::isnan(top) || std::isnan(deep) || deep - top < grid.mm_to_rows(2.0)) continue;
    const int col = int(std::lround(grid.col_px[i]));
    const int d = int(std::lround(deep));
    const double band = box_mean(frame_u8, col, half, d, d + rows(0.6));
    const double beneath = box_mean(frame_u8, col, half, d + rows(1.2), d + rows(2.2));
    const double muscle =
        box_mean(frame_u8, col, half, int(std::lround(top)) + rows(1.0), d - rows(1.0));
    if (std::isnan(band) || std::isnan(beneath) || std::isnan(muscle)) continue;
    // A thin aponeurosis has muscle beneath it; a tendon stays bright.
    belly[i] = beneath - muscle < 0.5 * (band - muscle);
  }
  return belly;
}

}  // namespace dynamus::segmentation::muscle_detail
