// find_tear: a fluid defect inside the traced tendon (anechoic across part or all of its
// thickness), followed through the loop; the stump ends are where the tendon's echo returns along
// the defect's centre line, and their separation with contraction is the tear's signature.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

#include "dynamus/segmentation/tear.h"
#include "tendon_image.h"

namespace dynamus::segmentation {
namespace {

constexpr double kSigmaXMm = 0.15;  // a little lateral smoothing: speckle inside the fluid
constexpr double kSigmaYMm = 0.1;   // merges a fibril and its dark neighbour, keeps the cleft
constexpr double kDarkShare = 0.3;  // of the intact tendon's grey: fluid, not hypoechoic tendon
constexpr double kSurfaceInsetShare = 0.08;  // of the thickness: clear of the paratenon
constexpr double kMinDefectShare = 0.3;      // of the thickness a defect must cross
constexpr double kFullDefectShare = 0.85;    // beyond: full thickness
constexpr double kMinDefectMm = 1.0;
constexpr double kCentreNearMm = 1.0;  // the centre line's depth from the band beside the defect,
constexpr double kCentreFarMm = 4.0;   // clear of the stumps' frayed, uncertain surfaces
constexpr double kSeparationScaleMm = 3.0;  // stump separation that counts as clear retraction
// A tendon tear's gap is at most a few centimetres; a longer dark run between bright bands is
// not a gap between two stumps (a vessel, a cavity).
constexpr double kMaxGapMm = 30.0;
constexpr double kStumpNearMm = 0.5;  // the stump's own echo: this far beyond its end
constexpr double kStumpFarMm = 2.0;
// Where an end is read, as a share of the way from the fluid's grey up to the stump's own echo
// (stump_ends_on_row; calibrated on the phantom's truth, docs/analysis.md).
constexpr double kStumpLevelShare = 0.82;
// The rows the ends are read on: the middle half of the defect's depth (the whole thickness for a
// full gap, the cleft for a partial one), and at least half a fibril period either side.
constexpr double kEndRowsHalfShare = 0.25;
constexpr double kEndRowsMinHalfMm = 0.2;

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

struct Band {
  std::vector<double> up_mm, low_mm;  // filled across gaps, NaN beyond the tendon
};

Band band_of(const TendonTrace& t, int f) {
  return {internal::fill_inner(t.upper_mm[std::size_t(f)]),
          internal::fill_inner(t.lower_mm[std::size_t(f)])};
}

// A frame's band rows, smoothed.
struct FrameStrip {
  cv::Mat smooth;  // CV_32F, rows [row0, row0 + rows)
  int row0 = 0;
  float at(int row, int col) const {
    return smooth.at<float>(std::clamp(row - row0, 0, smooth.rows - 1),
                            std::clamp(col, 0, smooth.cols - 1));
  }
};

FrameStrip strip_of(const cv::Mat& frame, const Band& band, double sx, double sy) {
  const std::optional<internal::DepthSpanMm> span = internal::depth_span(band.up_mm, band.low_mm);
  FrameStrip s;
  if (!span || span->top_mm > span->bottom_mm) return s;
  s.row0 = std::clamp(int(std::floor(span->top_mm / sy)) - 2, 0, frame.rows - 1);
  const int row1 = std::clamp(int(std::ceil(span->bottom_mm / sy)) + 3, s.row0 + 1, frame.rows);
  s.smooth = internal::smooth_strip(frame, s.row0, row1, kSigmaXMm / sx, kSigmaYMm / sy);
  return s;
}

// Share of the band's interior rows darker than `dark` at a column, and the dark rows' extent.
struct ColumnDark {
  double share = 0.0;
  int top_row = -1, bottom_row = -1;
};

ColumnDark column_dark(const FrameStrip& s, int col, double up_mm, double low_mm, double sy,
                       float dark) {
  ColumnDark out;
  if (std::isnan(up_mm) || std::isnan(low_mm) || s.smooth.empty()) return out;
  const double inset = kSurfaceInsetShare * (low_mm - up_mm);
  const int r0 = int(std::lround((up_mm + inset) / sy)),
            r1 = int(std::lround((low_mm - inset) / sy));
  int count = 0;
  for (int r = r0; r <= r1; ++r) {
    if (s.at(r, col) >= dark) continue;
    ++count;
    if (out.top_row < 0) out.top_row = r;
    out.bottom_row = r;
  }
  out.share = r1 >= r0 ? double(count) / double(r1 - r0 + 1) : 0.0;
  return out;
}

double interpolate(const std::vector<double>& x_mm, const std::vector<double>& v, double x) {
  const double step = x_mm.size() > 1 ? x_mm[1] - x_mm[0] : 1.0;
  const double u = std::clamp(x / step, 0.0, double(v.size() - 1));
  const std::size_t i = std::min(std::size_t(u), v.size() - 1), j = std::min(i + 1, v.size() - 1);
  const double t = u - double(i);
  return v[i] + t * (v[j] - v[i]);
}

// The dark run (in lateral samples) containing or nearest to `near_x_mm`; longest when NaN.
struct Run {
  int first = -1, last = -1;
  double max_share = 0.0;
};

Run find_run(const std::vector<double>& share, const std::vector<double>& x_mm, double near_x_mm) {
  Run best;
  double best_key = -1e9;
  const int min_len = std::max(1, int(std::lround(kMinDefectMm / (x_mm[1] - x_mm[0]))));
  for (int i = 0; i < int(share.size()); ++i) {
    if (share[std::size_t(i)] < kMinDefectShare) continue;
    Run r{i, i, 0.0};
    double mass = 0.0;
    while (r.last + 1 < int(share.size()) && share[std::size_t(r.last + 1)] >= kMinDefectShare) {
      ++r.last;
    }
    for (int k = r.first; k <= r.last; ++k) {
      r.max_share = std::max(r.max_share, share[std::size_t(k)]);
      mass += share[std::size_t(k)];
    }
    i = r.last;
    if (r.last - r.first + 1 < min_len) continue;
    const double centre = 0.5 * (x_mm[std::size_t(r.first)] + x_mm[std::size_t(r.last)]);
    const double key = std::isnan(near_x_mm) ? mass : -std::abs(centre - near_x_mm);
    if (key > best_key) best_key = key, best = r;
  }
  return best;
}

// The stump ends along the row band at y_mm: from the defect's middle outward to where the echo
// climbs back over half-way between the fluid and the tendon; sub-pixel by linear interpolation.
bool stump_ends_on_row(const FrameStrip& s, double y_mm, double x_from_mm, double sx, double sy,
                       float tendon_grey, double& proximal_mm, double& distal_mm) {
  // The frayed ends recede by different amounts a fraction of a millimetre apart in depth: each
  // row is read on its own (interpolated between pixel rows), not averaged into a band.
  const double row = y_mm / sy;
  const int row_above = int(std::floor(row));
  const float below_weight = float(row - row_above);
  const int cols = s.smooth.cols;
  std::vector<float> profile(std::size_t(cols), 0.0f);
  for (int c = 0; c < cols; ++c) {
    profile[std::size_t(c)] =
        (1.0f - below_weight) * s.at(row_above, c) + below_weight * s.at(row_above + 1, c);
  }
  const int c0 = std::clamp(int(std::lround(x_from_mm / sx)), 0, cols - 1);
  float fluid = profile[std::size_t(c0)];
  for (int c = std::max(0, c0 - 3); c <= std::min(cols - 1, c0 + 3); ++c) {
    fluid = std::min(fluid, profile[std::size_t(c)]);
  }
  const float level = 0.5f * (fluid + tendon_grey);
  if (profile[std::size_t(c0)] >= level) return false;
  int left = c0, right = c0;
  while (left > 0 && profile[std::size_t(left)] < level) --left;
  while (right < cols - 1 && profile[std::size_t(right)] < level) ++right;
  if (profile[std::size_t(left)] < level || profile[std::size_t(right)] < level) return false;
  // Log compression stretches a blurred edge's dark tail: the end is taken at most of the way up
  // to the stump's own echo just beyond it, not at half of it.
  const int near = std::max(1, int(std::lround(kStumpNearMm / sx)));
  const int far = std::max(near + 1, int(std::lround(kStumpFarMm / sx)));
  auto side_level = [&](int from, int step) {
    std::vector<float> beyond;
    for (int k = near; k <= far; ++k) {
      const int c = from + step * k;
      if (c >= 0 && c < cols) beyond.push_back(profile[std::size_t(c)]);
    }
    if (beyond.empty()) return level;
    std::nth_element(beyond.begin(), beyond.begin() + std::ptrdiff_t(beyond.size() / 2),
                     beyond.end());
    return fluid + float(kStumpLevelShare) * (beyond[beyond.size() / 2] - fluid);
  };
  const float left_level = side_level(left, -1), right_level = side_level(right, 1);
  left = c0, right = c0;
  while (left > 0 && profile[std::size_t(left)] < left_level) --left;
  while (right < cols - 1 && profile[std::size_t(right)] < right_level) ++right;
  auto crossing = [&](int outside, int inside, float at) {
    const float a = profile[std::size_t(outside)], b = profile[std::size_t(inside)];
    const double t = a != b ? double(a - at) / double(a - b) : 0.5;
    return (double(outside) + std::clamp(t, 0.0, 1.0) * double(inside - outside)) * sx;
  };
  proximal_mm = crossing(left, left + 1, left_level);
  distal_mm = crossing(right, right - 1, right_level);
  return true;
}

// Depth of the line at `depth_share` of the band's thickness across a defect spanning
// [x0_mm, x1_mm] in frame f: from the surfaces seen on both sides of it (the surfaces next to a
// stump are the least reliable), interpolated to the defect's middle. NaN when neither side is
// seen.
double centre_depth_mm(const TendonTrace& t, int f, double x0_mm, double x1_mm,
                       double depth_share) {
  const auto& up = t.upper_mm[std::size_t(f)];
  const auto& low = t.lower_mm[std::size_t(f)];
  auto side = [&](double from, double to) {
    std::vector<double> depths;
    for (std::size_t i = 0; i < t.x_mm.size(); ++i) {
      if (t.x_mm[i] < from || t.x_mm[i] > to || !up[i] || !low[i]) continue;
      depths.push_back(*up[i] + depth_share * (*low[i] - *up[i]));
    }
    return internal::median_of(depths);
  };
  const auto left = side(x0_mm - kCentreFarMm, x0_mm - kCentreNearMm);
  const auto right = side(x1_mm + kCentreNearMm, x1_mm + kCentreFarMm);
  if (left && right) return 0.5 * (*left + *right);
  if (left || right) return left ? *left : *right;
  return nan();
}

// The stump ends about the centre line: the interquartile mean of the ends found on the rows
// within `half_mm` of it (at least half of them must be found). The frayed ends recede by up to a
// millimetre from one depth to the next, and a single row can run along a dark gap between two
// fibrils where the stump's echo is faint; the middle half of the rows' ends is the stump's end as
// a whole, with the speckle of many independent rows averaged.
bool stump_ends(const FrameStrip& s, double y_mm, double half_mm, double x_from_mm, double sx,
                double sy, float tendon_grey, double& proximal_mm, double& distal_mm) {
  const int half = int(std::floor(half_mm / sy + 1e-9));
  std::vector<double> proximal, distal;
  for (int k = -half; k <= half; ++k) {
    double p = 0.0, d = 0.0;
    if (!stump_ends_on_row(s, y_mm + k * sy, x_from_mm, sx, sy, tendon_grey, p, d)) continue;
    proximal.push_back(p);
    distal.push_back(d);
  }
  if (2 * proximal.size() < std::size_t(2 * half + 1)) return false;
  proximal_mm = *internal::interquartile_mean_of(proximal);
  distal_mm = *internal::interquartile_mean_of(distal);
  return true;
}

// Outline of the dark part of the band between two x positions: tops left to right, bottoms back.
std::vector<PointMm> defect_outline(const FrameStrip& s, const TendonTrace& t, const Band& band,
                                    double x0_mm, double x1_mm, double sx, double sy, float dark) {
  std::vector<PointMm> tops, bottoms;
  const int step = std::max(1, int(std::lround(0.2 / sx)));
  for (int c = int(std::floor(x0_mm / sx)); c <= int(std::ceil(x1_mm / sx)); c += step) {
    const double x = c * sx;
    const ColumnDark d = column_dark(s, c, interpolate(t.x_mm, band.up_mm, x),
                                     interpolate(t.x_mm, band.low_mm, x), sy, dark);
    if (d.share < kMinDefectShare) continue;
    tops.push_back({x, d.top_row * sy});
    bottoms.push_back({x, d.bottom_row * sy});
  }
  tops.insert(tops.end(), bottoms.rbegin(), bottoms.rend());
  return tops;
}

// The fibrillar alignment left across the defect, as a share of the intact tendon's beside it at
// the same depths (from `top_share` of the band's depth down to its deep surface): 1 where the
// fibres run on, toward 0 where the texture turns isotropic (fluid, torn fibres).
double fibre_continuity(const cv::Mat& frame, const TendonTrace& t, const Band& band,
                        const Run& run, double top_share, double sx, double sy) {
  std::vector<double> top(band.up_mm.size());
  for (std::size_t i = 0; i < top.size(); ++i) {
    top[i] = band.up_mm[i] + top_share * (band.low_mm[i] - band.up_mm[i]);
  }
  const std::vector<double> alignment =
      internal::fibre_alignment(frame, t.x_mm, top, band.low_mm, sx, sy);
  const double x0 = t.x_mm[std::size_t(run.first)], x1 = t.x_mm[std::size_t(run.last)];
  std::vector<double> intact, across;
  for (std::size_t i = 0; i < t.x_mm.size(); ++i) {
    if (std::isnan(alignment[i])) continue;
    const double x = t.x_mm[i];
    if (x >= x0 && x <= x1) {
      across.push_back(alignment[i]);
    } else if (x < x0 - kCentreNearMm || x > x1 + kCentreNearMm) {
      intact.push_back(alignment[i]);
    }
  }
  const auto intact_alignment = internal::median_of(intact);
  if (!intact_alignment || *intact_alignment <= 0.0 || across.empty()) return 1.0;
  return std::clamp(*std::min_element(across.begin(), across.end()) / *intact_alignment, 0.0, 1.0);
}

}  // namespace

Result<Tear> find_tear(const imaging::CineLoop& loop, const imaging::Motion& motion,
                       const imaging::ContractionPhases& phases, const TendonTrace& tendon) {
  Tear tear;
  const int frames = loop.frame_count();
  tear.frames.resize(std::size_t(frames));
  if (!tendon.found || int(tendon.upper_mm.size()) != frames || tendon.x_mm.size() < 2) {
    return tear;
  }
  const auto& spacing = loop.calibration().spacing_mm;
  if (!spacing) {
    return Status(StatusCode::kInvalidArgument, "tears need a calibrated loop (mm per px)",
                  loop.source().path);
  }
  const double sx = (*spacing)[0], sy = (*spacing)[1];
  const int rest = std::clamp(phases.rest_frame, 0, frames - 1);
  const int peak = std::clamp(phases.peak_frame, 0, frames - 1);
  const std::size_t n = tendon.x_mm.size();
  try {
    // The intact tendon's grey at rest, inside the band.
    const Band rest_band = band_of(tendon, rest);
    const cv::Mat rest_frame = internal::frame_view(loop, rest);
    const FrameStrip rest_strip = strip_of(rest_frame, rest_band, sx, sy);
    if (rest_strip.smooth.empty()) return tear;
    std::vector<double> greys;
    for (std::size_t i = 0; i < n; ++i) {
      if (!tendon.upper_mm[std::size_t(rest)][i] || !tendon.lower_mm[std::size_t(rest)][i])
        continue;
      const int col = int(std::lround(tendon.x_mm[i] / sx));
      const double up = rest_band.up_mm[i], low = rest_band.low_mm[i];
      for (double y = up + 0.2 * (low - up); y <= low - 0.2 * (low - up); y += sy) {
        greys.push_back(rest_strip.at(int(std::lround(y / sy)), col));
      }
    }
    const auto tendon_grey = internal::median_of(greys);
    if (!tendon_grey) return tear;
    const float dark = float(kDarkShare * *tendon_grey);

    auto shares_of = [&](const FrameStrip& s, const Band& band) {
      std::vector<double> share(n, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        share[i] = column_dark(s, int(std::lround(tendon.x_mm[i] / sx)), band.up_mm[i],
                               band.low_mm[i], sy, dark)
                       .share;
      }
      return share;
    };
    const Run rest_run = find_run(shares_of(rest_strip, rest_band), tendon.x_mm, nan());
    if (rest_run.first < 0) return tear;

    // The centre line: mid-thickness for a full gap, the cleft's mid-depth for a partial one,
    // kept as a share of the band's depth so it follows the tendon.
    const bool full = rest_run.max_share >= kFullDefectShare;
    const double x_mid =
        0.5 * (tendon.x_mm[std::size_t(rest_run.first)] + tendon.x_mm[std::size_t(rest_run.last)]);
    double depth_share = 0.5;
    double top_share = 0.0;  // the defect's top, as a share of the band's depth
    if (!full) {
      // The cleft's top over the middle half of the run (its frayed sides excluded).
      const int quarter = (rest_run.last - rest_run.first) / 4;
      std::vector<double> tops, ups, lows;
      for (int i = rest_run.first + quarter; i <= rest_run.last - quarter; ++i) {
        const double u = rest_band.up_mm[std::size_t(i)], l = rest_band.low_mm[std::size_t(i)];
        const ColumnDark d = column_dark(
            rest_strip, int(std::lround(tendon.x_mm[std::size_t(i)] / sx)), u, l, sy, dark);
        if (d.top_row < 0) continue;
        tops.push_back(d.top_row * sy);
        ups.push_back(u);
        lows.push_back(l);
      }
      const double top = internal::median_of(tops).value_or(0.0);
      const double up = internal::median_of(ups).value_or(0.0);
      const double low = internal::median_of(lows).value_or(1.0);
      depth_share = std::clamp((0.5 * (top + low) - up) / (low - up), 0.05, 0.95);
      top_share = std::clamp((top - up) / (low - up), 0.0, 0.9);
    }

    // Follow the defect frame by frame: its centre advected with the motion, then re-found.
    std::vector<double> centre_x(std::size_t(frames), nan());
    centre_x[std::size_t(rest)] = x_mid;
    double fluid_sum = 0.0;
    int fluid_count = 0;
    for (int direction : {1, -1}) {
      double x = x_mid;
      for (int f = rest; f >= 0 && f < frames; f += direction) {
        const Band band = band_of(tendon, f);
        if (f != rest) {
          const double y = interpolate(tendon.x_mm, band.up_mm, x);
          float x_px = float(x / sx), y_px = float((std::isnan(y) ? 0.0 : y) / sy);
          internal::advect_px(motion, f - direction, f, x_px, y_px);
          x = x_px * sx;
        }
        if (direction < 0 && f == rest) continue;
        const cv::Mat frame = internal::frame_view(loop, f);
        const FrameStrip s = strip_of(frame, band, sx, sy);
        if (s.smooth.empty()) continue;
        const Run run = find_run(shares_of(s, band), tendon.x_mm, x);
        if (run.first < 0) continue;
        const double run_mid =
            0.5 * (tendon.x_mm[std::size_t(run.first)] + tendon.x_mm[std::size_t(run.last)]);
        if (std::abs(run_mid - x) > 3.0) continue;  // a different dark patch, not this defect
        double y = centre_depth_mm(tendon, f, tendon.x_mm[std::size_t(run.first)],
                                   tendon.x_mm[std::size_t(run.last)], depth_share);
        if (std::isnan(y)) {
          const double up = interpolate(tendon.x_mm, band.up_mm, run_mid);
          const double low = interpolate(tendon.x_mm, band.low_mm, run_mid);
          y = up + depth_share * (low - up);
        }
        double proximal = 0.0, distal = 0.0;
        TearFrame& tf = tear.frames[std::size_t(f)];
        const double defect_depth_mm = (interpolate(tendon.x_mm, band.low_mm, run_mid) -
                                        interpolate(tendon.x_mm, band.up_mm, run_mid)) *
                                       (1.0 - top_share);
        const double half_mm = std::max(kEndRowsMinHalfMm, kEndRowsHalfShare * defect_depth_mm);
        if (stump_ends(s, y, half_mm, run_mid, sx, sy, float(*tendon_grey), proximal, distal) &&
            distal - proximal <= kMaxGapMm) {
          tf.gap_mm = distal - proximal;
          tf.proximal_end_mm = PointMm{proximal, y};
          tf.distal_end_mm = PointMm{distal, y};
          x = 0.5 * (proximal + distal);
          fluid_sum += s.at(int(std::lround(y / sy)), int(std::lround(x / sx)));
          ++fluid_count;
        } else {
          x = run_mid;
        }
        centre_x[std::size_t(f)] = x;
        tf.polygon_mm = defect_outline(s, tendon, band, tendon.x_mm[std::size_t(run.first)] - 1.0,
                                       tendon.x_mm[std::size_t(run.last)] + 1.0, sx, sy, dark);
      }
    }

    // Tracking quality inside the defect against the tendon beside it, at rest.
    double q_in = 0.0, q_out = 0.0;
    if (!motion.pairs.empty()) {
      const imaging::FlowField& field =
          motion.pairs[std::size_t(std::min(rest, int(motion.pairs.size()) - 1))];
      const double y = interpolate(tendon.x_mm, rest_band.up_mm, x_mid) +
                       depth_share * (interpolate(tendon.x_mm, rest_band.low_mm, x_mid) -
                                      interpolate(tendon.x_mm, rest_band.up_mm, x_mid));
      auto quality_at = [&](double x_mm) {
        const int col =
            std::clamp(int(std::lround(x_mm / sx / field.step_px)) - 1, 0, field.cols - 1);
        const int row = std::clamp(int(std::lround(y / sy / field.step_px)) - 1, 0, field.rows - 1);
        return double(field.quality[field.index(col, row)]);
      };
      q_in = quality_at(x_mid);
      q_out = 0.5 * (quality_at(x_mid - 6.0) + quality_at(x_mid + 6.0));
    }

    const TearFrame& at_rest = tear.frames[std::size_t(rest)];
    const TearFrame& at_peak = tear.frames[std::size_t(peak)];
    tear.gap_rest_mm = at_rest.gap_mm;
    tear.gap_peak_mm = at_peak.gap_mm;
    if (at_rest.gap_mm && at_peak.gap_mm) {
      tear.separation_increase_mm = *at_peak.gap_mm - *at_rest.gap_mm;
    }
    const double up_mid = interpolate(tendon.x_mm, rest_band.up_mm, x_mid);
    const double low_mid = interpolate(tendon.x_mm, rest_band.low_mm, x_mid);
    tear.location_mm =
        at_rest.proximal_end_mm
            ? PointMm{0.5 * (at_rest.proximal_end_mm->x_mm + at_rest.distal_end_mm->x_mm),
                      at_rest.proximal_end_mm->y_mm}
            : PointMm{x_mid, up_mid + depth_share * (low_mid - up_mid)};
    tear.interrupted_fraction = std::min(1.0, rest_run.max_share / kFullDefectShare);
    tear.kind = full ? "full" : "partial";
    const double fluid_grey = fluid_count > 0 ? fluid_sum / fluid_count : *tendon_grey;
    tear.components.hypoechogenicity = std::clamp(1.0 - fluid_grey / *tendon_grey, 0.0, 1.0);
    tear.fibre_continuity =
        fibre_continuity(rest_frame, tendon, rest_band, rest_run, top_share, sx, sy);
    tear.components.discontinuity =
        0.5 * (tear.interrupted_fraction + (1.0 - tear.fibre_continuity));
    const double retraction =
        std::clamp(tear.separation_increase_mm.value_or(0.0) / kSeparationScaleMm, 0.0, 1.0);
    const double untrackable = q_out > 0.0 ? std::clamp(1.0 - q_in / q_out, 0.0, 1.0) : 0.0;
    tear.components.separation = std::max(retraction, untrackable);
    tear.score = 0.4 * tear.components.hypoechogenicity + 0.35 * tear.components.discontinuity +
                 0.25 * tear.components.separation;
    tear.suspected = tear.score >= kSuspectScore && at_rest.gap_mm.has_value();
    if (!tear.suspected) {
      Tear none;
      none.frames.resize(std::size_t(frames));
      none.score = tear.score;
      none.components = tear.components;
      return none;
    }
  } catch (const cv::Exception& e) {
    return Status(StatusCode::kInternal, fmt::format("tear search failed: {}", e.what()),
                  loop.source().path);
  }
  return tear;
}

}  // namespace dynamus::segmentation
