// Aponeuroses in one frame: a ridge map of bright, roughly horizontal bands, candidate bands traced
// along x by dynamic programming, and the pair with the darker muscle between them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <opencv2/imgproc.hpp>

#include "muscle_internal.h"

namespace dynamus::segmentation::muscle_detail {
namespace {

constexpr double kRidgeSigmaMm = 0.3;    // about half an aponeurosis's thickness
constexpr double kLateralSigmaMm = 1.0;  // favours bands that run along x over speckle
constexpr double kMaxSlopeDeg = 40.0;    // steepest a band may run (the tendon's taper)
constexpr double kStepPenalty = 0.03;    // per row of depth change, in units of a strong ridge
constexpr double kSuppressMm = 1.5;      // around a traced band before tracing the next
constexpr double kTopMarginMm = 1.0;     // the skin entry echo is no aponeurosis
constexpr double kMinThicknessMm = 3.0;  // between superficial and deep aponeurosis
constexpr double kWideLateralSigmaMm = 3.0;
constexpr int kCandidates = 6;
constexpr double kBandContrastMin = 0.15;

struct Band {
  std::vector<int> rows;  // per sample
  double strength = 0.0;  // mean ridge response along it
};

// Ridge response (bright line across depth) per sample column and row, normalised so that a
// strong band is about 1.
cv::Mat ridge_samples(const cv::Mat& smooth, const Grid& grid) {
  cv::Mat dyy;
  cv::Sobel(smooth, dyy, CV_32F, 0, 2, 3);
  const int n = int(grid.col_px.size());
  cv::Mat samples(n, smooth.rows, CV_32F, cv::Scalar(0));
  for (int i = 0; i < n; ++i) {
    const int col = std::clamp(int(std::lround(grid.col_px[std::size_t(i)])), 0, smooth.cols - 1);
    for (int r = 0; r < smooth.rows; ++r) {
      samples.at<float>(i, r) = std::max(0.0f, -dyy.at<float>(r, col));
    }
  }
  std::vector<float> values(samples.begin<float>(), samples.end<float>());
  auto high = values.begin() + std::ptrdiff_t(0.995 * double(values.size() - 1));
  std::nth_element(values.begin(), high, values.end());
  if (*high > 0.0f) samples /= double(*high);
  return samples;
}

// The path of greatest summed ridge response from the left to the right edge, rows changing
// smoothly between samples.
Band trace_band(const cv::Mat& ridge, int first_row, int last_row, int max_step) {
  const int n = ridge.rows;
  const int rows = ridge.cols;
  std::vector<float> score(std::size_t(rows), 0.0f);
  std::vector<float> next(std::size_t(rows), 0.0f);
  std::vector<std::int8_t> back(std::size_t(n) * std::size_t(rows), 0);
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  for (int r = 0; r < rows; ++r) {
    score[std::size_t(r)] = (r >= first_row && r <= last_row) ? ridge.at<float>(0, r) : kNone;
  }
  for (int i = 1; i < n; ++i) {
    for (int r = 0; r < rows; ++r) {
      float best = kNone;
      int best_d = 0;
      if (r >= first_row && r <= last_row) {
        for (int d = -max_step; d <= max_step; ++d) {
          const int from = r + d;
          if (from < first_row || from > last_row) continue;
          const float s = score[std::size_t(from)] - float(kStepPenalty * std::abs(d));
          if (s > best) best = s, best_d = d;
        }
        best += ridge.at<float>(i, r);
      }
      next[std::size_t(r)] = best;
      back[std::size_t(i) * std::size_t(rows) + std::size_t(r)] = std::int8_t(best_d);
    }
    score.swap(next);
  }
  Band band;
  band.rows.resize(std::size_t(n));
  int r = int(std::max_element(score.begin(), score.end()) - score.begin());
  for (int i = n - 1; i >= 0; --i) {
    band.rows[std::size_t(i)] = r;
    band.strength += ridge.at<float>(i, r);
    r += back[std::size_t(i) * std::size_t(rows) + std::size_t(r)];
  }
  band.strength /= n;
  return band;
}

double mean_along(const cv::Mat& smooth, const Grid& grid, const std::vector<double>& rows_a,
                  const std::vector<double>& rows_b) {
  double sum = 0.0;
  int count = 0;
  for (std::size_t i = 0; i < grid.col_px.size(); ++i) {
    const int col = std::clamp(int(std::lround(grid.col_px[i])), 0, smooth.cols - 1);
    const int lo = std::max(0, int(std::ceil(std::min(rows_a[i], rows_b[i]))));
    const int hi = std::min(smooth.rows - 1, int(std::floor(std::max(rows_a[i], rows_b[i]))));
    for (int r = lo; r <= hi; ++r) sum += smooth.at<float>(r, col), ++count;
  }
  return count > 0 ? sum / count : 0.0;
}

std::vector<double> as_double(const std::vector<int>& rows) {
  return std::vector<double>(rows.begin(), rows.end());
}

std::vector<double> offset(std::vector<double> rows, double by) {
  for (double& r : rows) r += by;
  return rows;
}

}  // namespace

Detection detect_aponeuroses(const cv::Mat& frame_u8, const Grid& grid) {
  Detection result;
  const int n = int(grid.col_px.size());
  if (n < 8 || frame_u8.rows < 16) {
    result.reason = "image too small to hold a muscle";
    return result;
  }
  cv::Mat grey, smooth;
  frame_u8.convertTo(grey, CV_32F);
  cv::GaussianBlur(grey, smooth, cv::Size(0, 0), grid.mm_to_cols(kLateralSigmaMm),
                   std::max(1.0, grid.mm_to_rows(kRidgeSigmaMm)));
  cv::Mat ridge = ridge_samples(smooth, grid);
  const cv::Mat ridge_original = ridge.clone();
  // Smoothed far along x, oblique fascicle lines fade while aponeuroses stay: what counts as the
  // first band met going out from the muscle.
  cv::Mat smooth_wide;
  cv::GaussianBlur(grey, smooth_wide, cv::Size(0, 0), grid.mm_to_cols(kWideLateralSigmaMm),
                   std::max(1.0, grid.mm_to_rows(kRidgeSigmaMm)));
  const cv::Mat ridge_wide = ridge_samples(smooth_wide, grid);

  const int first_row = int(std::ceil(grid.mm_to_rows(kTopMarginMm)));
  const int last_row = frame_u8.rows - 1 - first_row;
  const int max_step = std::max(1, int(std::ceil(std::tan(kMaxSlopeDeg * std::numbers::pi / 180.0) *
                                                 kSampleStepMm / grid.spacing_y_mm)));
  const int suppress = int(std::ceil(grid.mm_to_rows(kSuppressMm)));
  std::vector<Band> bands;
  for (int k = 0; k < kCandidates; ++k) {
    Band band = trace_band(ridge, first_row, last_row, max_step);
    if (band.strength <= 0.0) break;
    bands.push_back(band);
    for (int i = 0; i < n; ++i) {
      const int r = band.rows[std::size_t(i)];
      for (int q = std::max(0, r - suppress); q <= std::min(ridge.cols - 1, r + suppress); ++q) {
        ridge.at<float>(i, q) = 0.0f;
      }
    }
  }

  // The pair of bands, far enough apart everywhere, whose weaker band is strongest and with the
  // darkest tissue between them (tendon between two of its own surfaces is bright).
  const double min_gap_rows = grid.mm_to_rows(kMinThicknessMm);
  const double band_half_rows = grid.mm_to_rows(0.4);
  double best_score = 0.0;
  int best_a = -1, best_b = -1;
  for (std::size_t a = 0; a < bands.size(); ++a) {
    for (std::size_t b = 0; b < bands.size(); ++b) {
      if (a == b) continue;
      int below = 0;
      for (int i = 0; i < n; ++i) {
        below += bands[b].rows[std::size_t(i)] - bands[a].rows[std::size_t(i)] >= min_gap_rows;
      }
      if (below < int(0.9 * n)) continue;  // b is not the deeper band of the two
      const std::vector<double> ra = as_double(bands[a].rows), rb = as_double(bands[b].rows);
      const double band_a =
          mean_along(smooth, grid, offset(ra, -band_half_rows), offset(ra, band_half_rows));
      const double band_b =
          mean_along(smooth, grid, offset(rb, -band_half_rows), offset(rb, band_half_rows));
      const double between =
          mean_along(smooth, grid, offset(ra, 2 * band_half_rows), offset(rb, -2 * band_half_rows));
      const double bright = std::min(band_a, band_b);
      if (bright <= 0.0) continue;
      const double contrast = (bright - between) / bright;
      if (contrast < kBandContrastMin) continue;
      // Nothing brighter than the pair runs inside the muscle they bound.
      const double weaker = std::min(bands[a].strength, bands[b].strength);
      bool band_inside = false;
      for (std::size_t k = 0; k < bands.size(); ++k) {
        if (k == a || k == b || bands[k].strength <= weaker) continue;
        int inside = 0;
        for (int i = 0; i < n; ++i) {
          const int r = bands[k].rows[std::size_t(i)];
          inside += r > bands[a].rows[std::size_t(i)] && r < bands[b].rows[std::size_t(i)];
        }
        band_inside = band_inside || inside > n / 2;
      }
      if (band_inside) continue;
      // The muscle is the thick structure of a muscle scan: thin dark layers (fat under the skin)
      // between two bright ones weigh less.
      double gap_rows = 0.0;
      for (int i = 0; i < n; ++i) gap_rows += rb[std::size_t(i)] - ra[std::size_t(i)];
      const double score = weaker * contrast * gap_rows / n;
      if (score > best_score) best_score = score, best_a = int(a), best_b = int(b);
    }
  }
  if (best_a < 0) {
    result.reason = "no pair of bright aponeurosis bands with muscle between them";
    return result;
  }
  // Each aponeurosis is the first strong band met going out from the muscle's middle: the pair's
  // deep band may have taken the tendon's lower surface where the tendon thickens, and only the
  // band nearest the muscle bounds it. Keep the ridge map up to that first band and trace again.
  std::vector<double> middle(std::size_t(n), 0.0);
  for (int i = 0; i < n; ++i) {
    middle[std::size_t(i)] = 0.5 * (bands[std::size_t(best_a)].rows[std::size_t(i)] +
                                    bands[std::size_t(best_b)].rows[std::size_t(i)]);
  }
  const int keep = int(std::ceil(grid.mm_to_rows(1.0)));
  auto nearest_band = [&](const Band& pair_band, int direction) {
    std::vector<float> along;
    for (int i = 0; i < n; ++i) {
      along.push_back(ridge_wide.at<float>(i, pair_band.rows[std::size_t(i)]));
    }
    std::nth_element(along.begin(), along.begin() + n / 2, along.end());
    const float strong = 0.7f * along[std::size_t(n / 2)];
    cv::Mat first = ridge_original.clone();
    for (int i = 0; i < n; ++i) {
      const int from = int(std::lround(middle[std::size_t(i)]));
      int hit = pair_band.rows[std::size_t(i)];
      for (int r = from; r >= 0 && r < first.cols; r += direction) {
        if (ridge_wide.at<float>(i, r) >= strong) {
          hit = r;
          break;
        }
      }
      for (int r = 0; r < first.cols; ++r) {
        const int beyond = (r - hit) * direction;   // > 0: farther from the muscle than the hit
        const int inside = (from - r) * direction;  // > 0: on the other side of the middle
        if (beyond > keep || inside > 0) first.at<float>(i, r) = 0.0f;
      }
    }
    return trace_band(first, first_row, last_row, max_step);
  };
  const Band superficial = nearest_band(bands[std::size_t(best_a)], -1);
  const std::vector<double> deep = as_double(nearest_band(bands[std::size_t(best_b)], +1).rows);

  // Inner edges: the bottom of the superficial band, the top of the deep one.
  const double reach = grid.mm_to_rows(0.6);
  result.edges.superficial_row =
      snap_to_edges(frame_u8, grid, offset(as_double(superficial.rows), reach), -1, reach);
  result.edges.deep_row = snap_to_edges(frame_u8, grid, offset(deep, -reach), +1, reach);
  result.found = true;
  return result;
}

}  // namespace dynamus::segmentation::muscle_detail
