#include "dynamus/review/review_overlay.h"

#include <algorithm>
#include <cmath>

namespace dynamus::review {
namespace {

double distance(const PointMm& a, const PointMm& b) {
  return std::hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm);
}

double distance_to_segment(const PointMm& p, const PointMm& a, const PointMm& b) {
  const double dx = b.x_mm - a.x_mm, dy = b.y_mm - a.y_mm;
  const double length2 = dx * dx + dy * dy;
  const double t =
      length2 > 0
          ? std::clamp(((p.x_mm - a.x_mm) * dx + (p.y_mm - a.y_mm) * dy) / length2, 0.0, 1.0)
          : 0.0;
  return distance(p, {a.x_mm + t * dx, a.y_mm + t * dy});
}

bool inside(const std::vector<PointMm>& polygon, const PointMm& p) {
  bool in = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const PointMm& a = polygon[i];
    const PointMm& b = polygon[j];
    if ((a.y_mm > p.y_mm) != (b.y_mm > p.y_mm) &&
        p.x_mm < (b.x_mm - a.x_mm) * (p.y_mm - a.y_mm) / (b.y_mm - a.y_mm) + a.x_mm)
      in = !in;
  }
  return in;
}

// How far `p` is from the finding's drawing in `frame`: 0 inside its region.
double distance_to(const FindingFrame& geometry, const PointMm& p) {
  double best = INFINITY;
  if (geometry.caliper_mm)
    best = distance_to_segment(p, (*geometry.caliper_mm)[0], (*geometry.caliper_mm)[1]);
  const auto& region = geometry.region_mm;
  if (region.size() >= 3) {
    if (inside(region, p)) return 0;
    for (std::size_t i = 0, j = region.size() - 1; i < region.size(); j = i++)
      best = std::min(best, distance_to_segment(p, region[j], region[i]));
  }
  return best;
}

overlay::Layer caliper_layer(FindingKind kind) {
  return kind == FindingKind::kTear ? overlay::Layer::kGapCaliper
                                    : overlay::Layer::kThicknessCaliper;
}

bool is_corrected(const Finding& finding, int frame) {
  const std::vector<int> frames = finding.corrected_frames();
  return std::binary_search(frames.begin(), frames.end(), frame);
}

// The finding's measurement in `frame` where the reviewer corrected it there, with the value the
// caption showed before (`shown_mm`); nothing otherwise.
overlay::CaptionValue corrected_value(const Finding& finding, int frame,
                                      std::optional<double> shown_mm) {
  if (!is_corrected(finding, frame)) return {};
  const auto mm = finding.measurement_mm(frame);
  if (!mm) return {};
  return {mm, shown_mm ? shown_mm : finding.analysed_measurement_mm(frame)};
}

}  // namespace

overlay::CaptionMeasures caption_measures(const Review& review,
                                          const segmentation::Analysis& analysis, int frame) {
  overlay::CaptionMeasures measures = overlay::analysed_measures(analysis);
  const int rest = analysis.phases.rest_frame, peak = analysis.phases.peak_frame;
  for (const Finding& finding : review.findings()) {
    if (finding.kind == FindingKind::kTear) {
      if (auto v = corrected_value(finding, rest, measures.gap_rest.mm); v.mm)
        measures.gap_rest = v;
      if (auto v = corrected_value(finding, peak, measures.gap_peak.mm); v.mm)
        measures.gap_peak = v;
      if (frame != rest && frame != peak)
        measures.gap_here = corrected_value(finding, frame, std::nullopt);
    } else {
      if (auto v = corrected_value(finding, finding.key_frame, measures.thickening.mm); v.mm)
        measures.thickening = v;
      if (frame != finding.key_frame)
        measures.thickness_here = corrected_value(finding, frame, std::nullopt);
    }
  }
  return measures;
}

void apply_corrections(const Review& review, int frame, overlay::FrameOverlay& overlay) {
  for (const Finding& finding : review.findings()) {
    const bool corrected = is_corrected(finding, frame);
    const FindingFrame geometry = finding.corrected(frame);
    const overlay::Layer layer = caliper_layer(finding.kind);
    if (geometry.caliper_mm) {
      std::string label = overlay::caliper_label(layer, *finding.measurement_mm(frame));
      if (corrected) label += ", corrected";
      if (finding.decision != Decision::kPending)
        label += ", " + std::string(to_string(finding.decision));
      for (overlay::Caliper& caliper : overlay.calipers) {
        if (caliper.layer != layer) continue;
        caliper.from_mm = (*geometry.caliper_mm)[0], caliper.to_mm = (*geometry.caliper_mm)[1];
        caliper.label = label;
      }
      // The stump-end markers, in the order the overlay adds them: proximal, distal.
      std::size_t end = 0;
      for (overlay::Marker& marker : overlay.markers)
        if (marker.layer == layer && end < 2) marker.at_mm = (*geometry.caliper_mm)[end++];
    }
    if (finding.kind == FindingKind::kTear && !geometry.region_mm.empty()) {
      for (overlay::Path& path : overlay.paths)
        if (path.layer == overlay::Layer::kTearRegion) path.points_mm = geometry.region_mm;
    }
  }
}

std::vector<HandleRef> handles(const Review& review, std::size_t finding, int frame) {
  std::vector<HandleRef> result;
  if (finding >= review.findings().size()) return result;
  const FindingFrame geometry = review.findings()[finding].corrected(frame);
  if (geometry.caliper_mm) {
    for (int end = 0; end < 2; ++end)
      result.push_back(
          {finding, Handle::kCaliperEnd, end, (*geometry.caliper_mm)[std::size_t(end)]});
  }
  for (std::size_t i = 0; i < geometry.region_mm.size(); ++i)
    result.push_back({finding, Handle::kRegionVertex, int(i), geometry.region_mm[i]});
  return result;
}

std::optional<HandleRef> nearest_handle(const Review& review, std::size_t finding, int frame,
                                        PointMm at_mm, double radius_mm) {
  std::optional<HandleRef> best;
  double best_distance = radius_mm;
  for (const HandleRef& h : handles(review, finding, frame)) {
    const double d = distance(h.at_mm, at_mm);
    // Strictly nearer: the caliper ends come first and win ties.
    if (d < best_distance || (!best && d <= radius_mm)) {
      best = h;
      best_distance = d;
    }
  }
  return best;
}

std::optional<std::size_t> finding_at(const Review& review, int frame, PointMm at_mm,
                                      double radius_mm) {
  std::optional<std::size_t> best;
  double best_distance = radius_mm;
  for (std::size_t i = 0; i < review.findings().size(); ++i) {
    const double d = distance_to(review.findings()[i].corrected(frame), at_mm);
    if (d <= best_distance) {
      best = i;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace dynamus::review
