// trace_tendon: the bright band found in the rest frame, its surfaces traced by dynamic
// programming, then followed frame by frame (advected with the motion, refined in a narrow window).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

#include "dynamus/segmentation/tendon.h"
#include "tendon_image.h"
#include "tendon_surface.h"

namespace dynamus::segmentation {
namespace {

using internal::Side;

constexpr double kSampleStepMm = 0.5;
// Band detection: smoothing that merges the fibrils into one bright band but keeps its edges.
constexpr double kBandSigmaXMm = 0.5;
constexpr double kBandSigmaYMm = 0.3;
constexpr double kMinBandThicknessMm = 1.5;  // thicker than fascia and perimysium lines
constexpr double kMinBandContrast = 30.0;    // grey levels between the bright and dark classes
constexpr double kMinBandShare = 0.25;       // of the image width the band must span
constexpr double kMaxCentreSpreadMm = 3.0;   // a tendon is a continuous, horizontal-ish band
constexpr double kEdgeMedianHalfMm = 8.0;    // over twice a cleft's width
constexpr double kEdgeOutlierMm = 1.0;
// Surfaces: lateral smoothing over a speckle width, the muscle reference band just outside.
constexpr double kEdgeSigmaXMm = 0.4;
constexpr double kEdgeSigmaYMm = 0.05;
constexpr double kOutsideNearMm = 0.25;
constexpr double kOutsideFarMm = 0.6;
constexpr double kRestWindowMm = 1.0;    // around the band's edge in the rest frame
constexpr double kFollowWindowMm = 0.4;  // around the advected surface in the other frames
constexpr double kMaxSlopeMmPerSample = 0.25;
constexpr float kPenaltyPerMm = 20.0f;        // grey levels per mm of depth change between samples
constexpr double kSeenContrastShare = 0.35;   // of the rest frame's median surface contrast
constexpr double kSeenStepShare = 0.3;        // of the median tendon-to-muscle step at the surfaces
constexpr double kFullThicknessShare = 0.95;  // where the taper ends: the junction
constexpr double kMaxBridgedMm = 10.0;
// Plausibility: human tendons are about 2-12 mm thick in MSK ultrasound, up to about 15 mm when
// tendinopathic; a thicker bright band is another structure (a heart wall, a liver, a bowel).
constexpr double kMaxTendonThicknessMm = 15.0;
// Fibrillar texture (internal::fibre_alignment). Measured: simulated tendons 0.79-0.86, a real
// thigh aponeurosis 0.76, cardiac, obstetric and vascular bands 0.19-0.61.
constexpr double kMinFibreAlignment = 0.65;
// A tendon thickens by a few per cent with contraction: a frame whose median thickness differs
// from the rest frame's by more than this share followed something else, and is not reported.
constexpr double kMaxThicknessChangeShare = 0.35;

struct Grid {
  double sx_mm = 0.0, sy_mm = 0.0;
  std::vector<double> x_mm;
  std::vector<int> columns_px;
};

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

// The bright band in the rest frame, per sample: the top and bottom row of the thickest bright
// run, NaN where there is none. Empty when no band spans enough of the image.
struct Band {
  std::vector<double> top_px, bottom_px;
  int first = -1, last = -1;
};

Band find_band(const cv::Mat& frame_u8, const Grid& grid) {
  cv::Mat heavy;
  frame_u8.convertTo(heavy, CV_32F);
  cv::GaussianBlur(heavy, heavy, cv::Size(0, 0), kBandSigmaXMm / grid.sx_mm,
                   kBandSigmaYMm / grid.sy_mm, cv::BORDER_REFLECT);
  // Skip the skin's entry echo and the deepest rows (noise, shadow).
  const int row0 = int(0.1 * heavy.rows), row1 = int(0.95 * heavy.rows);
  cv::Mat body_u8;
  heavy.rowRange(row0, row1).convertTo(body_u8, CV_8U);
  cv::Mat ignored;
  const double threshold = cv::threshold(body_u8, ignored, 0, 255, cv::THRESH_OTSU);
  // A tendon stands out: no bright class clearly above the rest, no band.
  const cv::Mat bright_mask = body_u8 > threshold;
  if (cv::countNonZero(bright_mask) == 0 || cv::countNonZero(~bright_mask) == 0) return {};
  const double contrast = cv::mean(body_u8, bright_mask)[0] - cv::mean(body_u8, ~bright_mask)[0];
  if (contrast < kMinBandContrast) return {};
  const std::size_t n = grid.x_mm.size();
  Band band;
  band.top_px.assign(n, nan());
  band.bottom_px.assign(n, nan());
  const int min_rows = int(std::ceil(kMinBandThicknessMm / grid.sy_mm));
  std::vector<double> centres;
  for (std::size_t i = 0; i < n; ++i) {
    const int col = grid.columns_px[i];
    int best_len = 0, best_top = 0, run_top = -1;
    for (int r = row0; r <= row1; ++r) {
      const bool bright = r < row1 && heavy.at<float>(r, col) > float(threshold);
      if (bright && run_top < 0) run_top = r;
      if (!bright && run_top >= 0) {
        if (r - run_top > best_len) best_len = r - run_top, best_top = run_top;
        run_top = -1;
      }
    }
    if (best_len < min_rows) continue;
    band.top_px[i] = best_top;
    band.bottom_px[i] = best_top + best_len - 1;
    centres.push_back(best_top + 0.5 * (best_len - 1));
  }
  const auto centre = internal::median_of(centres);
  if (!centre) return {};
  int count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(band.top_px[i])) continue;
    if (std::abs(0.5 * (band.top_px[i] + band.bottom_px[i]) - *centre) * grid.sy_mm >
        kMaxCentreSpreadMm) {
      band.top_px[i] = band.bottom_px[i] = nan();
      continue;
    }
    if (band.first < 0) band.first = int(i);
    band.last = int(i);
    ++count;
  }
  if (count < int(kMinBandShare * double(n))) return {};
  // A cleft thins the bright run locally: edges far inside their neighbourhood's median are
  // dropped and bridged from the neighbours. (A thickening moves them outward: kept.)
  const int half = int(std::lround(kEdgeMedianHalfMm / kSampleStepMm));
  for (std::vector<double>* edge : {&band.top_px, &band.bottom_px}) {
    const double inward = edge == &band.top_px ? 1.0 : -1.0;  // depth direction into the band
    std::vector<double> cleaned = *edge;
    for (int i = 0; i < int(n); ++i) {
      if (std::isnan((*edge)[std::size_t(i)])) continue;
      std::vector<double> around;
      for (int k = std::max(0, i - half); k <= std::min(int(n) - 1, i + half); ++k) {
        if (!std::isnan((*edge)[std::size_t(k)])) around.push_back((*edge)[std::size_t(k)]);
      }
      const double median = *internal::median_of(around);
      if (inward * ((*edge)[std::size_t(i)] - median) * grid.sy_mm > kEdgeOutlierMm) {
        cleaned[std::size_t(i)] = nan();
      }
    }
    *edge = cleaned;
  }
  return band;
}

// NaN entries in [first, last] filled from their neighbours (interpolated inside, copied at
// the ends); entries outside stay NaN.
void fill_span(std::vector<double>& v, int first, int last) {
  DepthProfileMm profile(v.size());
  for (int i = first; i <= last; ++i) {
    if (!std::isnan(v[std::size_t(i)])) profile[std::size_t(i)] = v[std::size_t(i)];
  }
  std::vector<double> filled = internal::fill_inner(profile);
  int first_seen = -1, last_seen = -1;
  for (int i = first; i <= last; ++i) {
    if (std::isnan(filled[std::size_t(i)])) continue;
    if (first_seen < 0) first_seen = i;
    last_seen = i;
  }
  if (first_seen < 0) return;
  for (int i = first; i <= last; ++i) {
    double& value = filled[std::size_t(i)];
    if (i < first_seen) value = filled[std::size_t(first_seen)];
    if (i > last_seen) value = filled[std::size_t(last_seen)];
    v[std::size_t(i)] = value;
  }
}

internal::SurfaceSearch make_search(const Grid& grid, Side side,
                                    const std::vector<double>& centre_px, double half_window_mm,
                                    int first, int rows) {
  internal::SurfaceSearch s;
  s.side = side;
  s.columns_px = grid.columns_px;
  s.near_px = std::max(1, int(std::lround(kOutsideNearMm / grid.sy_mm)));
  s.far_px = std::max(s.near_px + 1, int(std::lround(kOutsideFarMm / grid.sy_mm)));
  s.max_step_px = std::max(1, int(std::ceil(kMaxSlopeMmPerSample / grid.sy_mm)));
  s.penalty_per_px = kPenaltyPerMm * float(grid.sy_mm);
  const int half = std::max(1, int(std::lround(half_window_mm / grid.sy_mm)));
  s.low_row_px.assign(centre_px.size(), 1);
  s.high_row_px.assign(centre_px.size(), 0);
  for (std::size_t i = std::size_t(std::max(first, 0)); i < centre_px.size(); ++i) {
    if (std::isnan(centre_px[i])) continue;
    const int c = int(std::lround(centre_px[i]));
    s.low_row_px[i] = std::clamp(c - half, 0, rows - 1);
    s.high_row_px[i] = std::clamp(c + half, 0, rows - 1);
  }
  return s;
}

// One frame's surfaces, reported: seen where the contrast is clear, one surface bridged across a
// short stretch where only the other is seen (a partial cleft hides the deep surface but the
// tendon goes on), nothing where neither is seen (a full-thickness gap).
struct FrameSurfaces {
  DepthProfileMm upper, lower;
};

FrameSurfaces report(const internal::SurfacePath& up, const internal::SurfacePath& low,
                     float min_contrast, float min_step, int first, const Grid& grid) {
  const std::size_t n = up.row_px.size();
  FrameSurfaces out{DepthProfileMm(n), DepthProfileMm(n)};
  std::vector<bool> up_seen(n, false), low_seen(n, false);
  for (std::size_t i = std::size_t(std::max(first, 0)); i < n; ++i) {
    up_seen[i] =
        !std::isnan(up.row_px[i]) && up.contrast[i] >= min_contrast && up.step[i] >= min_step;
    low_seen[i] =
        !std::isnan(low.row_px[i]) && low.contrast[i] >= min_contrast && low.step[i] >= min_step;
  }
  const int max_bridge = int(kMaxBridgedMm / kSampleStepMm);
  auto bridge = [&](std::vector<bool>& seen, const std::vector<bool>& other) {
    std::vector<bool> bridged = seen;
    for (int i = std::max(first, 0); i < int(n); ++i) {
      if (seen[std::size_t(i)]) continue;
      int j = i;
      bool other_all = true;
      while (j < int(n) && !seen[std::size_t(j)])
        other_all = other_all && other[std::size_t(j)], ++j;
      const bool inner = i > std::max(first, 0) && j < int(n);
      if (inner && other_all && j - i <= max_bridge) {
        for (int k = i; k < j; ++k) bridged[std::size_t(k)] = true;
      }
      i = j;
    }
    return bridged;
  };
  DepthProfileMm up_profile(n), low_profile(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (up_seen[i]) up_profile[i] = up.row_px[i] * grid.sy_mm;
    if (low_seen[i]) low_profile[i] = low.row_px[i] * grid.sy_mm;
  }
  const std::vector<double> up_filled = internal::fill_inner(up_profile);
  const std::vector<double> low_filled = internal::fill_inner(low_profile);
  const std::vector<bool> up_shown = bridge(up_seen, low_seen);
  const std::vector<bool> low_shown = bridge(low_seen, up_seen);
  for (std::size_t i = 0; i < n; ++i) {
    if (up_shown[i] && !std::isnan(up_filled[i])) out.upper[i] = up_filled[i];
    if (low_shown[i] && !std::isnan(low_filled[i])) out.lower[i] = low_filled[i];
  }
  return out;
}

}  // namespace

Result<TendonTrace> trace_tendon(const imaging::CineLoop& loop, const imaging::Motion& motion,
                                 const imaging::ContractionPhases& phases) {
  const auto& spacing = loop.calibration().spacing_mm;
  if (!spacing) {
    return Status(StatusCode::kInvalidArgument, "the tendon needs a calibrated loop (mm per px)",
                  loop.source().path);
  }
  if (loop.frame_count() < 1) {
    return Status(StatusCode::kInvalidArgument, "the loop has no frames", loop.source().path);
  }
  Grid grid{(*spacing)[0], (*spacing)[1], {}, {}};
  for (double x = 0.0; x <= (loop.width_px() - 1) * grid.sx_mm + 1e-9; x += kSampleStepMm) {
    grid.x_mm.push_back(x);
    grid.columns_px.push_back(std::min(loop.width_px() - 1, int(std::lround(x / grid.sx_mm))));
  }
  const std::size_t n = grid.x_mm.size();
  const int frames = loop.frame_count();
  const int rest = std::clamp(phases.rest_frame, 0, frames - 1);

  TendonTrace trace;
  trace.x_mm = grid.x_mm;
  trace.upper_mm.assign(std::size_t(frames), DepthProfileMm(n));
  trace.lower_mm.assign(std::size_t(frames), DepthProfileMm(n));
  const double sigma_x = kEdgeSigmaXMm / grid.sx_mm, sigma_y = kEdgeSigmaYMm / grid.sy_mm;
  try {
    const cv::Mat rest_frame = internal::frame_view(loop, rest);
    Band band = find_band(rest_frame, grid);
    if (band.first < 0) {
      trace.not_found_reason =
          fmt::format("no bright band at least {:.1f} mm thick spans {:.0f} % of the image width",
                      kMinBandThicknessMm, 100.0 * kMinBandShare);
      return trace;
    }
    fill_span(band.top_px, band.first, band.last);
    fill_span(band.bottom_px, band.first, band.last);
    const int rows = loop.height_px();
    internal::SurfacePath up = internal::trace_surface(
        rest_frame, make_search(grid, Side::kUpper, band.top_px, kRestWindowMm, band.first, rows),
        sigma_x, sigma_y);
    internal::SurfacePath low = internal::trace_surface(
        rest_frame,
        make_search(grid, Side::kLower, band.bottom_px, kRestWindowMm, band.first, rows), sigma_x,
        sigma_y);
    std::vector<double> contrasts, steps;
    for (std::size_t i = std::size_t(band.first); i <= std::size_t(band.last); ++i) {
      for (const internal::SurfacePath* path : {&up, &low}) {
        if (std::isnan(path->row_px[i])) continue;
        contrasts.push_back(path->contrast[i]);
        steps.push_back(path->step[i]);
      }
    }
    const float min_contrast =
        float(kSeenContrastShare * internal::median_of(contrasts).value_or(0));
    const float min_step = float(kSeenStepShare * internal::median_of(steps).value_or(0));
    FrameSurfaces surfaces = report(up, low, min_contrast, min_step, band.first, grid);

    // The junction: where the band reaches its full thickness coming from the aponeurosis.
    std::vector<double> thickness(n, nan());
    std::vector<double> seen_thickness;
    for (std::size_t i = 0; i < n; ++i) {
      if (!surfaces.upper[i] || !surfaces.lower[i]) continue;
      thickness[i] = *surfaces.lower[i] - *surfaces.upper[i];
      seen_thickness.push_back(thickness[i]);
    }
    const auto full = internal::median_of(seen_thickness);
    if (!full || *full < kMinBandThicknessMm) {
      trace.not_found_reason = "the bright band has no clear surfaces on both sides";
      return trace;
    }
    if (*full > kMaxTendonThicknessMm) {
      trace.not_found_reason =
          fmt::format("the bright band is {:.1f} mm thick: not a tendon (at most {:.0f} mm)", *full,
                      kMaxTendonThicknessMm);
      return trace;
    }
    // A tendon's fibrils run along it; a bright band of another organ has no such texture.
    std::vector<double> upper(n, nan()), lower(n, nan());
    for (std::size_t i = 0; i < n; ++i) {
      if (surfaces.upper[i]) upper[i] = *surfaces.upper[i];
      if (surfaces.lower[i]) lower[i] = *surfaces.lower[i];
    }
    const std::vector<double> alignment =
        internal::fibre_alignment(rest_frame, grid.x_mm, upper, lower, grid.sx_mm, grid.sy_mm);
    std::vector<double> seen_alignment;
    for (double a : alignment) {
      if (!std::isnan(a)) seen_alignment.push_back(a);
    }
    const double fibrillar = internal::median_of(seen_alignment).value_or(0.0);
    if (fibrillar < kMinFibreAlignment) {
      trace.not_found_reason = fmt::format(
          "the bright band has no fibrillar texture along it (alignment {:.2f}, a tendon's is at "
          "least {:.2f}): not a tendon",
          fibrillar, kMinFibreAlignment);
      return trace;
    }
    int start = band.first;
    for (int i = band.first; i + 2 <= band.last; ++i) {
      bool thick = true;
      for (int k = 0; k < 3; ++k) {
        const double t = thickness[std::size_t(i + k)];
        thick = thick && !std::isnan(t) && t >= kFullThicknessShare * *full;
      }
      if (thick) {
        start = i;
        break;
      }
    }
    double start_x_mm = grid.x_mm[std::size_t(start)];
    auto store = [&](int f, const FrameSurfaces& s, double first_x_mm) {
      for (std::size_t i = 0; i < n; ++i) {
        if (grid.x_mm[i] < first_x_mm - 1e-9) continue;
        trace.upper_mm[std::size_t(f)][i] = s.upper[i];
        trace.lower_mm[std::size_t(f)][i] = s.lower[i];
      }
    };
    store(rest, surfaces, start_x_mm);

    // Follow from the rest frame forward to the end and backward to the start.
    for (int direction : {1, -1}) {
      int previous = rest;
      double first_x_mm = start_x_mm;
      std::vector<double> up_mm = internal::fill_inner(trace.upper_mm[std::size_t(rest)]);
      std::vector<double> low_mm = internal::fill_inner(trace.lower_mm[std::size_t(rest)]);
      for (int f = rest + direction; f >= 0 && f < frames; f += direction) {
        const double mid_y_px =
            0.5 * (up_mm[std::size_t(start)] + low_mm[std::size_t(start)]) / grid.sy_mm;
        float start_x_px = float(first_x_mm / grid.sx_mm), start_y_px = float(mid_y_px);
        internal::advect_px(motion, previous, f, start_x_px, start_y_px);
        first_x_mm = start_x_px * grid.sx_mm;
        std::vector<double> predicted[2];
        const std::vector<double>* profiles[2] = {&up_mm, &low_mm};
        for (int s = 0; s < 2; ++s) {
          std::vector<double> xs, ys;
          for (std::size_t i = 0; i < n; ++i) {
            const double y = (*profiles[s])[i];
            if (std::isnan(y)) continue;
            float x_px = float(grid.x_mm[i] / grid.sx_mm), y_px = float(y / grid.sy_mm);
            internal::advect_px(motion, previous, f, x_px, y_px);
            if (!xs.empty() && x_px * grid.sx_mm <= xs.back()) continue;
            xs.push_back(x_px * grid.sx_mm);
            ys.push_back(y_px);  // rows
          }
          predicted[s] = internal::resample(xs, ys, grid.x_mm);
        }
        int first = 0;
        while (first < int(n) && grid.x_mm[std::size_t(first)] < first_x_mm - 1e-9) ++first;
        if (first >= int(n)) break;
        for (auto& p : predicted) {
          for (int i = 0; i < first; ++i) p[std::size_t(i)] = nan();
          fill_span(p, first, int(n) - 1);
        }
        const cv::Mat frame = internal::frame_view(loop, f);
        const internal::SurfacePath fu = internal::trace_surface(
            frame, make_search(grid, Side::kUpper, predicted[0], kFollowWindowMm, first, rows),
            sigma_x, sigma_y);
        const internal::SurfacePath fl = internal::trace_surface(
            frame, make_search(grid, Side::kLower, predicted[1], kFollowWindowMm, first, rows),
            sigma_x, sigma_y);
        const FrameSurfaces fs = report(fu, fl, min_contrast, min_step, first, grid);
        store(f, fs, first_x_mm);
        up_mm = internal::fill_inner(trace.upper_mm[std::size_t(f)]);
        low_mm = internal::fill_inner(trace.lower_mm[std::size_t(f)]);
        // A frame where the band was lost keeps the prediction, so the next frame can recover.
        for (std::size_t i = 0; i < n; ++i) {
          if (std::isnan(up_mm[i]) && !std::isnan(predicted[0][i]))
            up_mm[i] = predicted[0][i] * grid.sy_mm;
          if (std::isnan(low_mm[i]) && !std::isnan(predicted[1][i]))
            low_mm[i] = predicted[1][i] * grid.sy_mm;
        }
        start = first;
        previous = f;
      }
      start = 0;
      while (start < int(n) && grid.x_mm[std::size_t(start)] < start_x_mm - 1e-9) ++start;
    }
  } catch (const cv::Exception& e) {
    return Status(StatusCode::kInternal, fmt::format("tendon tracing failed: {}", e.what()),
                  loop.source().path);
  }
  std::vector<std::optional<double>> frame_medians(static_cast<std::size_t>(frames));
  // Implausible samples and frames are not reported (see the constants).
  std::optional<double> rest_median_mm;
  for (int f = 0; f < frames; ++f) {
    std::vector<double> thickness;
    for (std::size_t i = 0; i < n; ++i) {
      auto& up = trace.upper_mm[std::size_t(f)][i];
      auto& low = trace.lower_mm[std::size_t(f)][i];
      if (!up || !low) continue;
      if (*low - *up > kMaxTendonThicknessMm || *low <= *up) {
        up.reset(), low.reset();
        continue;
      }
      thickness.push_back(*low - *up);
    }
    const auto median = internal::median_of(thickness);
    if (f == rest) rest_median_mm = median;
    frame_medians[std::size_t(f)] = median;
  }
  if (!rest_median_mm) {
    trace.not_found_reason = "the bright band's surfaces are not both seen in the rest frame";
    return trace;
  }
  for (int f = 0; f < frames; ++f) {
    const auto& median = frame_medians[std::size_t(f)];
    if (median && std::abs(*median / *rest_median_mm - 1.0) <= kMaxThicknessChangeShare) {
      continue;
    }
    std::fill(trace.upper_mm[std::size_t(f)].begin(), trace.upper_mm[std::size_t(f)].end(),
              std::nullopt);
    std::fill(trace.lower_mm[std::size_t(f)].begin(), trace.lower_mm[std::size_t(f)].end(),
              std::nullopt);
  }
  trace.found = true;
  return trace;
}

}  // namespace dynamus::segmentation
