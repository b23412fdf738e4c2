// trace_muscle: the aponeuroses found in the first frame and followed through the loop, the
// thickness between them and the fascicles' angle against the deep one, over the muscle belly.
#include "dynamus/segmentation/muscle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <opencv2/core.hpp>

#include "frame_support.h"
#include "muscle_internal.h"

namespace dynamus::segmentation {
namespace {

using muscle_detail::ApoProfiles;
using muscle_detail::Grid;

constexpr long kMinBellySamples = 6;           // 3 mm of belly at least, else use every sample
constexpr double kTendonMinThicknessMm = 2.0;  // a tendon hint thinner than this is aponeurosis
constexpr double kSearchHalfDeg = 80.0;
constexpr double kSearchStepDeg = 1.0;
// Human skeletal muscle in ultrasound: pennation about 5-35 deg, hardly ever above 45 deg; its
// thickness changes by at most ~30 % between consecutive frames and ~50 % over a contraction.
constexpr double kMaxPennationDeg = 45.0;
// The thickest muscles (gluteus, an athlete's vastus lateralis) measure 6-7 cm; the thinnest a
// few millimetres.
constexpr double kMaxMuscleMm = 80.0;
constexpr double kMinMuscleMm = 2.0;
constexpr double kMaxFrameChange = 0.3;
constexpr double kMaxLoopRatio = 1.5;

// Samples where the tendon hint sees a tendon thick enough to be one (not the belly), and every
// sample between two such: a full-thickness tear's gap lies inside the tendon's extent although
// the hint has no surfaces there, and the muscle above it is not the belly.
std::vector<bool> tendon_at(const TendonTrace& tendon, const std::vector<double>& x_mm, int f) {
  std::vector<bool> present(x_mm.size(), false);
  if (!tendon.found || tendon.x_mm.empty() || std::size_t(f) >= tendon.upper_mm.size() ||
      std::size_t(f) >= tendon.lower_mm.size()) {
    return present;
  }
  const auto& upper = tendon.upper_mm[std::size_t(f)];
  const auto& lower = tendon.lower_mm[std::size_t(f)];
  for (std::size_t i = 0; i < x_mm.size(); ++i) {
    const auto it = std::lower_bound(tendon.x_mm.begin(), tendon.x_mm.end(), x_mm[i]);
    std::size_t j = std::size_t(it - tendon.x_mm.begin());
    if (j == tendon.x_mm.size() ||
        (j > 0 && x_mm[i] - tendon.x_mm[j - 1] < tendon.x_mm[j] - x_mm[i])) {
      j = j == 0 ? 0 : j - 1;
    }
    if (j >= upper.size() || j >= lower.size() || std::abs(tendon.x_mm[j] - x_mm[i]) > 1.0)
      continue;
    present[i] = upper[j] && lower[j] && *lower[j] - *upper[j] >= kTendonMinThicknessMm;
  }
  const auto first = std::find(present.begin(), present.end(), true);
  const auto last = std::find(present.rbegin(), present.rend(), true);
  if (first != present.end()) std::fill(first, last.base(), true);
  return present;
}

// Samples where both aponeuroses are seen, the deep one deeper by a muscle's least thickness
// (lines that cross were following something else).
std::vector<bool> traced(const ApoProfiles& edges, const Grid& grid) {
  std::vector<bool> both(edges.deep_row.size());
  for (std::size_t i = 0; i < both.size(); ++i) {
    both[i] = !std::isnan(edges.superficial_row[i]) && !std::isnan(edges.deep_row[i]) &&
              edges.deep_row[i] - edges.superficial_row[i] >= grid.mm_to_rows(kMinMuscleMm);
  }
  return both;
}

DepthProfileMm to_mm(const std::vector<double>& rows, double spacing_mm) {
  DepthProfileMm out;
  out.reserve(rows.size());
  for (double r : rows) {
    out.push_back(std::isnan(r) ? std::nullopt : std::optional<double>(r * spacing_mm));
  }
  return out;
}

cv::Vec2d direction(double angle_deg) {
  return {std::cos(angle_deg * std::numbers::pi / 180.0),
          std::sin(angle_deg * std::numbers::pi / 180.0)};
}

double angle_deg(const cv::Vec2d& v) { return std::atan2(v[1], v[0]) * 180.0 / std::numbers::pi; }

// Physiological gates on what was traced (a pair of bright bands that is no muscle still has a
// thickness and an "angle"). Per frame: thickness that jumps by more than kMaxFrameChange from the
// last plausible frame (the bands were lost) is null, with its pennation; pennation beyond
// kMaxPennationDeg is null. Over the loop: a thickness range beyond kMaxLoopRatio, or fascicles at
// more than kMaxPennationDeg in the measured frame, or bands farther apart than any muscle is
// thick, is not a muscle (found stays false, with the
// reason).
bool plausible(MuscleTrace& trace) {
  std::optional<double> last;
  double low = std::numeric_limits<double>::infinity(), high = 0.0;
  for (std::size_t f = 0; f < trace.thickness_mm.size(); ++f) {
    auto& t = trace.thickness_mm[f];
    if (!t) continue;
    if (last && std::abs(*t / *last - 1.0) > kMaxFrameChange) {
      t.reset();
      trace.pennation_deg[f].reset();
      continue;
    }
    last = t;
    low = std::min(low, *t), high = std::max(high, *t);
  }
  if (!last) {
    trace.not_found_reason = "no frame with a measurable thickness between the bands";
    return false;
  }
  if (high > kMaxMuscleMm) {
    trace.not_found_reason = fmt::format(
        "the traced bands are up to {:.0f} mm apart (no muscle is thicker than {:.0f} mm): not a "
        "muscle",
        high, kMaxMuscleMm);
    return false;
  }
  if (high > kMaxLoopRatio * low) {
    trace.not_found_reason = fmt::format(
        "thickness between the traced bands ranges {:.1f}-{:.1f} mm over the loop (a muscle "
        "changes by at most {:.0f} % in a contraction): not a muscle",
        low, high, 100.0 * (kMaxLoopRatio - 1.0));
    return false;
  }
  if (!trace.pennation_deg.empty() && trace.pennation_deg[0] &&
      *trace.pennation_deg[0] > kMaxPennationDeg) {
    trace.not_found_reason = fmt::format(
        "fascicle lines at {:.0f} deg to the deep band (muscle fascicles: at most {:.0f} deg): "
        "not a muscle",
        *trace.pennation_deg[0], kMaxPennationDeg);
    return false;
  }
  for (auto& p : trace.pennation_deg) {
    if (p && *p > kMaxPennationDeg) p.reset();
  }
  return true;
}

}  // namespace

Result<MuscleTrace> trace_muscle(const imaging::CineLoop& loop, const imaging::Motion& motion,
                                 const TendonTrace& tendon) {
  const auto& spacing = loop.calibration().spacing_mm;
  if (!spacing) {
    return Status(StatusCode::kInvalidArgument,
                  "muscle measurement needs a calibrated loop (give a pixel spacing)",
                  loop.source().path);
  }
  Grid grid;
  grid.spacing_x_mm = (*spacing)[0];
  grid.spacing_y_mm = (*spacing)[1];
  MuscleTrace trace;
  const double width_mm = (loop.width_px() - 1) * grid.spacing_x_mm;
  for (double x = 0.0; x <= width_mm + 1e-9; x += muscle_detail::kSampleStepMm) {
    trace.x_mm.push_back(x);
    grid.col_px.push_back(x / grid.spacing_x_mm);
  }
  const int frames = loop.frame_count();
  const bool has_motion = motion.pairs.size() == std::size_t(std::max(0, frames - 1));
  try {
    const muscle_detail::Detection detection =
        muscle_detail::detect_aponeuroses(internal::frame_view(loop, 0), grid);
    if (!detection.found) {
      trace.not_found_reason = detection.reason;
      return trace;
    }
    // `edges` is the line followed from frame to frame, bridging what is not seen; `visible` what
    // is reported and measured on: NaN where the edge is not a bright band's.
    ApoProfiles edges = detection.edges;
    std::vector<ApoProfiles> all_visible;
    std::vector<std::vector<bool>> all_use;
    for (int f = 0; f < frames; ++f) {
      const cv::Mat frame = internal::frame_view(loop, f);
      if (f > 0) {
        const imaging::FlowField* flow = has_motion ? &motion.pairs[std::size_t(f - 1)] : nullptr;
        edges = muscle_detail::follow_aponeuroses(frame, grid, edges, flow);
      }
      ApoProfiles visible = muscle_detail::visible_edges(frame, grid, edges);
      edges.superficial_row = muscle_detail::bridged(visible.superficial_row);
      edges.deep_row = muscle_detail::bridged(visible.deep_row);
      std::vector<bool> use = muscle_detail::belly_samples(frame, grid, visible);
      const std::vector<bool> tendon_here = tendon_at(tendon, trace.x_mm, f);
      for (std::size_t i = 0; i < use.size(); ++i) use[i] = use[i] && !tendon_here[i];
      if (std::count(use.begin(), use.end(), true) < kMinBellySamples) use = traced(visible, grid);
      std::vector<double> thickness_mm;
      for (std::size_t i = 0; i < use.size(); ++i) {
        if (use[i]) {
          thickness_mm.push_back((visible.deep_row[i] - visible.superficial_row[i]) *
                                 grid.spacing_y_mm);
        }
      }
      trace.thickness_mm.push_back(internal::median_of(thickness_mm));
      trace.superficial_mm.push_back(to_mm(visible.superficial_row, grid.spacing_y_mm));
      trace.deep_mm.push_back(to_mm(visible.deep_row, grid.spacing_y_mm));
      all_visible.push_back(std::move(visible));
      all_use.push_back(std::move(use));
    }

    // The fascicles' direction is measured once over the whole muscle between the aponeuroses:
    // perimysium lines wave along their length, so only a long stretch of them gives their mean
    // direction; the deep aponeurosis's direction as that of its longest straight run. Both are
    // material lines of the belly, so the belly's own
    // deformation carries both through the loop: measured anew in each frame, the deep line's
    // slope over the fixed belly samples picked up the junction's taper as it slid into them.
    // Without motion every frame is measured on its own.
    const std::vector<cv::Matx22d> deformation =
        muscle_detail::muscle_deformation(grid, all_visible[0], all_use[0], motion, frames);
    cv::Vec2d fascicle0(0.0, 0.0), deep0(1.0, 0.0);
    for (int f = 0; f < frames; ++f) {
      const ApoProfiles& e = all_visible[std::size_t(f)];
      cv::Vec2d fascicle, deep;
      if (f == 0 || !has_motion) {
        const double fascicle_deg =
            muscle_detail::fascicle_angle_deg(internal::frame_view(loop, f), grid, e,
                                              traced(e, grid), 0.0, kSearchHalfDeg, kSearchStepDeg);
        if (std::isnan(fascicle_deg)) {
          trace.pennation_deg.push_back(std::nullopt);
          continue;
        }
        fascicle = direction(fascicle_deg);
        deep = direction(muscle_detail::deep_slope_deg(grid, e, traced(e, grid)));
        if (f == 0) fascicle0 = fascicle, deep0 = deep;
      } else {
        if (fascicle0 == cv::Vec2d(0.0, 0.0)) {
          trace.pennation_deg.push_back(std::nullopt);
          continue;
        }
        fascicle = deformation[std::size_t(f)] * fascicle0;
        deep = deformation[std::size_t(f)] * deep0;
      }
      double angle = std::abs(angle_deg(deep) - angle_deg(fascicle));
      angle = std::fmod(angle, 180.0);
      if (angle > 90.0) angle = 180.0 - angle;
      trace.pennation_deg.push_back(angle);
    }
    if (!plausible(trace)) {
      // Nothing of an implausible trace is reported: only why.
      MuscleTrace none;
      none.not_found_reason = trace.not_found_reason;
      return none;
    }
  } catch (const cv::Exception& e) {
    return Status(StatusCode::kInternal, std::string("muscle tracing failed: ") + e.what(),
                  loop.source().path);
  }
  trace.found = true;
  return trace;
}

}  // namespace dynamus::segmentation
