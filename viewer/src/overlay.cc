#include "dynamus/overlay/overlay.h"

#include <fmt/format.h>

#include <algorithm>

namespace dynamus::overlay {
namespace {

// Okabe-Ito.
constexpr Rgba kVermillion{213, 94, 0, 255};
constexpr Rgba kYellow{240, 228, 66, 255};
constexpr Rgba kSkyBlue{86, 180, 233, 255};
constexpr Rgba kBluishGreen{0, 158, 115, 255};
constexpr Rgba kReddishPurple{204, 121, 167, 255};
constexpr Rgba kOrange{230, 159, 0, 255};
// The defect's fill lets the speckle and the stump ends show through.
constexpr std::uint8_t kRegionFillAlpha = 80;
// Every other node of the motion grid: arrows on every node crowd each other.
constexpr int kArrowEveryNodes = 2;

Rgba colour(Layer layer) { return legend_entry(layer).colour; }

// A depth profile as polylines, one per run of samples where the surface is seen.
void add_profile(FrameOverlay& overlay, Layer layer, const std::vector<double>& x_mm,
                 const segmentation::DepthProfileMm& depth_mm) {
  Path path{layer, {}, false, colour(layer), std::nullopt};
  auto flush = [&] {
    if (path.points_mm.size() >= 2) overlay.paths.push_back(path);
    path.points_mm.clear();
  };
  for (std::size_t i = 0; i < x_mm.size() && i < depth_mm.size(); ++i) {
    if (depth_mm[i]) {
      path.points_mm.push_back({x_mm[i], *depth_mm[i]});
    } else {
      flush();
    }
  }
  flush();
}

void add_tear(FrameOverlay& overlay, const segmentation::Tear& tear, std::size_t frame,
              LayerSet layers) {
  if (!tear.suspected || frame >= tear.frames.size()) return;
  const segmentation::TearFrame& at = tear.frames[frame];
  if (layers[Layer::kTearRegion] && at.polygon_mm.size() >= 3) {
    Rgba fill = colour(Layer::kTearRegion);
    fill.a = kRegionFillAlpha;
    overlay.paths.push_back(
        {Layer::kTearRegion, at.polygon_mm, true, colour(Layer::kTearRegion), fill});
  }
  if (layers[Layer::kGapCaliper] && at.proximal_end_mm && at.distal_end_mm) {
    const Rgba c = colour(Layer::kGapCaliper);
    overlay.markers.push_back({Layer::kGapCaliper, *at.proximal_end_mm, c});
    overlay.markers.push_back({Layer::kGapCaliper, *at.distal_end_mm, c});
    overlay.calipers.push_back({Layer::kGapCaliper, *at.proximal_end_mm, *at.distal_end_mm, c,
                                at.gap_mm ? caliper_label(Layer::kGapCaliper, *at.gap_mm) : "gap"});
  }
}

// The defect's lateral extent in a frame, widened by a margin: a tendon's thickness is not
// measured across a tear.
std::optional<std::pair<double, double>> defect_span_mm(const segmentation::Tear& tear,
                                                        std::size_t frame) {
  constexpr double kMarginMm = 1.0;
  if (!tear.suspected || frame >= tear.frames.size() || tear.frames[frame].polygon_mm.empty()) {
    return std::nullopt;
  }
  const auto& polygon = tear.frames[frame].polygon_mm;
  const auto [low, high] =
      std::minmax_element(polygon.begin(), polygon.end(),
                          [](const PointMm& a, const PointMm& b) { return a.x_mm < b.x_mm; });
  return std::pair{low->x_mm - kMarginMm, high->x_mm + kMarginMm};
}

// Arrows from where the tissue is at rest to where it is in `frame`, following the motion.
void add_motion(FrameOverlay& overlay, const imaging::CineLoop& loop,
                const segmentation::Analysis& analysis, int frame) {
  const imaging::Motion& motion = analysis.motion;
  const auto& spacing = loop.calibration().spacing_mm;
  if (motion.pairs.empty() || !spacing) return;
  const int rest = analysis.phases.rest_frame;
  const int from = std::min(rest, frame), to = std::max(rest, frame);
  const imaging::FlowField& grid = motion.pairs.front();
  for (int r = 0; r < grid.rows; r += kArrowEveryNodes) {
    for (int c = 0; c < grid.cols; c += kArrowEveryNodes) {
      float x = grid.node_x_px(c), y = grid.node_y_px(r);
      const float start_x = x, start_y = y;
      for (int f = from; f < to; ++f) {
        float dx = 0, dy = 0;
        motion.pairs[std::size_t(f)].displacement_at(x, y, dx, dy);
        x += dx, y += dy;
      }
      // Advected from the earlier frame to the later one; the arrow points from rest.
      PointMm early{start_x * (*spacing)[0], start_y * (*spacing)[1]};
      PointMm late{x * (*spacing)[0], y * (*spacing)[1]};
      if (frame < rest) std::swap(early, late);
      overlay.arrows.push_back({Layer::kMotion, early, late, colour(Layer::kMotion)});
    }
  }
}

std::string value_text(const CaptionValue& value) {
  std::string text = fmt::format("{:.1f} mm", *value.mm);
  if (value.analysed_mm) text += fmt::format(" (corrected from {:.1f})", *value.analysed_mm);
  return text;
}

}  // namespace

const std::vector<LegendEntry>& legend() {
  static const std::vector<LegendEntry> entries{
      {Layer::kTearRegion, "suspected tear", kVermillion},
      {Layer::kGapCaliper, "stump ends, gap", kYellow},
      {Layer::kTendon, "tendon surfaces", kSkyBlue},
      {Layer::kAponeuroses, "aponeuroses", kBluishGreen},
      {Layer::kThicknessCaliper, "tendon thickness", kReddishPurple},
      {Layer::kMotion, "motion since rest", kOrange},
  };
  return entries;
}

const LegendEntry& legend_entry(Layer layer) { return legend()[std::size_t(layer)]; }

std::optional<Caliper> thickness_caliper(const segmentation::TendonTrace& tendon,
                                         const segmentation::Tear& tear, int frame) {
  const std::size_t f = std::size_t(frame);
  if (!tendon.found || f >= tendon.upper_mm.size()) return std::nullopt;
  const auto& upper = tendon.upper_mm[f];
  const auto& lower = tendon.lower_mm[f];
  const auto defect = defect_span_mm(tear, f);
  // Not at the ends of the traced tendon either, where the image's edge bends the surfaces.
  constexpr double kEndMarginMm = 2.0;
  double first_x_mm = 1e9, last_x_mm = -1e9;
  for (std::size_t i = 0; i < tendon.x_mm.size(); ++i) {
    if (upper[i] && lower[i]) {
      first_x_mm = std::min(first_x_mm, tendon.x_mm[i]);
      last_x_mm = std::max(last_x_mm, tendon.x_mm[i]);
    }
  }
  std::optional<std::size_t> thickest;
  for (std::size_t i = 0; i < tendon.x_mm.size(); ++i) {
    const double x = tendon.x_mm[i];
    if (!upper[i] || !lower[i]) continue;
    if (x < first_x_mm + kEndMarginMm || x > last_x_mm - kEndMarginMm) continue;
    if (defect && x >= defect->first && x <= defect->second) continue;
    if (!thickest || *lower[i] - *upper[i] > *lower[*thickest] - *upper[*thickest]) thickest = i;
  }
  if (!thickest) return std::nullopt;
  const double x = tendon.x_mm[*thickest];
  return Caliper{Layer::kThicknessCaliper,
                 {x, *upper[*thickest]},
                 {x, *lower[*thickest]},
                 colour(Layer::kThicknessCaliper),
                 caliper_label(Layer::kThicknessCaliper, *lower[*thickest] - *upper[*thickest])};
}

std::string caliper_label(Layer layer, double length_mm) {
  return fmt::format("{} {:.1f} mm", layer == Layer::kGapCaliper ? "gap" : "thickness", length_mm);
}

CaptionMeasures analysed_measures(const segmentation::Analysis& analysis) {
  CaptionMeasures measures;
  measures.gap_rest.mm = analysis.tear.gap_rest_mm;
  measures.gap_peak.mm = analysis.tear.gap_peak_mm;
  const segmentation::Thickening& thickening = analysis.tendon_thickness.thickening;
  if (thickening.present) measures.thickening.mm = thickening.max_mm;
  return measures;
}

std::vector<std::string> caption(const imaging::CineLoop& loop,
                                 const segmentation::Analysis& analysis, int frame,
                                 const CaptionMeasures& measures) {
  const double level = analysis.phases.level[std::size_t(frame)];
  std::string phase = frame == analysis.phases.rest_frame   ? " (rest)"
                      : frame == analysis.phases.peak_frame ? " (peak)"
                                                            : "";
  std::string first = fmt::format("frame {} of {}", frame, loop.frame_count());
  if (loop.has_timing())
    first += fmt::format("  {:.2f} s", loop.timing().timestamps_s[std::size_t(frame)]);
  first += fmt::format("  contraction {:.0f} %{}", 100.0 * level, phase);
  std::vector<std::string> lines{first};
  const segmentation::Tear& tear = analysis.tear;
  if (tear.suspected) {
    std::string line = fmt::format("{} tear suspected, score {:.2f}", tear.kind, tear.score);
    if (measures.gap_rest.mm && measures.gap_peak.mm) {
      line += fmt::format("  gap {} at rest, {} at peak", value_text(measures.gap_rest),
                          value_text(measures.gap_peak));
    }
    if (measures.gap_here.mm) line += "  here " + value_text(measures.gap_here);
    lines.push_back(line);
  } else if (analysis.tendon.found) {
    lines.push_back("no tear suspected");
  }
  const segmentation::TendonThickness& thickness = analysis.tendon_thickness;
  if (analysis.tendon.found && thickness.median_mm) {
    std::string line = fmt::format("tendon {:.1f} mm (median)", *thickness.median_mm);
    if (thickness.thickening.present && measures.thickening.mm) {
      // The ratio to the median follows a corrected thickness.
      const double ratio = thickness.thickening.ratio * *measures.thickening.mm /
                           (measures.thickening.analysed_mm.value_or(*measures.thickening.mm));
      line += fmt::format("  focal thickening {} ({:.2f}x) at x {:.1f} mm",
                          value_text(measures.thickening), ratio, thickness.thickening.x_mm);
    }
    if (measures.thickness_here.mm) line += "  here " + value_text(measures.thickness_here);
    lines.push_back(line);
  }
  return lines;
}

FrameOverlay frame_overlay(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                           int frame, LayerSet layers) {
  FrameOverlay overlay;
  overlay.frame = frame;
  const std::size_t f = std::size_t(frame);
  // The deep aponeurosis often is the tendon's upper surface: the tendon is drawn over it.
  const segmentation::MuscleTrace& muscle = analysis.muscle;
  if (layers[Layer::kAponeuroses] && muscle.found && f < muscle.superficial_mm.size()) {
    add_profile(overlay, Layer::kAponeuroses, muscle.x_mm, muscle.superficial_mm[f]);
    add_profile(overlay, Layer::kAponeuroses, muscle.x_mm, muscle.deep_mm[f]);
  }
  const segmentation::TendonTrace& tendon = analysis.tendon;
  if (layers[Layer::kTendon] && tendon.found && f < tendon.upper_mm.size()) {
    add_profile(overlay, Layer::kTendon, tendon.x_mm, tendon.upper_mm[f]);
    add_profile(overlay, Layer::kTendon, tendon.x_mm, tendon.lower_mm[f]);
  }
  add_tear(overlay, analysis.tear, f, layers);
  if (layers[Layer::kThicknessCaliper]) {
    if (auto caliper = thickness_caliper(tendon, analysis.tear, frame))
      overlay.calipers.push_back(std::move(*caliper));
  }
  if (layers[Layer::kMotion]) add_motion(overlay, loop, analysis, frame);
  overlay.caption = caption(loop, analysis, frame, analysed_measures(analysis));
  return overlay;
}

}  // namespace dynamus::overlay
