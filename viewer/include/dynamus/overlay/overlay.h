// What to draw over a frame of an analysed loop: the tear region, the stump ends and the gap
// caliper, the tendon and aponeurosis boundaries, the thickness caliper and the motion, in mm.
// No VTK, Qt or OpenCV here: the viewer and the annotated-frame export draw this same model, so
// what is exported is what the sonographer saw.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::overlay {

using segmentation::PointMm;

struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
};

// Each layer can be shown or hidden on its own; the legend names them.
enum class Layer : int {
  kTearRegion,        // the suspected defect: semi-transparent fill and outline
  kGapCaliper,        // stump-end markers and the caliper between them, with the gap in mm
  kTendon,            // the tendon's superficial and deep surfaces
  kAponeuroses,       // the muscle's superficial and deep aponeuroses
  kThicknessCaliper,  // the tendon's thickness at its thickest point, in mm
  kMotion,            // tissue displacement since the rest frame, true to scale
};
inline constexpr int kLayerCount = 6;

struct LayerSet {
  std::array<bool, kLayerCount> shown{true, true, true, true, true, false};
  bool operator[](Layer layer) const { return shown[std::size_t(layer)]; }
  static LayerSet all() { return {{true, true, true, true, true, true}}; }
};

struct LegendEntry {
  Layer layer;
  std::string name;
  Rgba colour;
};
// In Layer order; colours from the Okabe-Ito palette, told apart with colour-blindness too.
const std::vector<LegendEntry>& legend();
const LegendEntry& legend_entry(Layer layer);

struct Path {
  Layer layer;
  std::vector<PointMm> points_mm;
  bool closed = false;
  Rgba stroke;
  std::optional<Rgba> fill;
};

struct Marker {  // a cross at a point
  Layer layer;
  PointMm at_mm;
  Rgba colour;
};

struct Caliper {  // a measured distance: a line with end ticks and its value
  Layer layer;
  PointMm from_mm, to_mm;
  Rgba colour;
  std::string label;  // "gap 9.8 mm"
};

struct Arrow {
  Layer layer;
  PointMm from_mm, to_mm;
  Rgba colour;
};

struct FrameOverlay {
  int frame = 0;
  std::vector<Path> paths;
  std::vector<Marker> markers;
  std::vector<Caliper> calipers;
  std::vector<Arrow> arrows;
  // For the caption: "frame 20 of 40 · 1.00 s · contraction 100 % (peak)", and the findings.
  std::vector<std::string> caption;
};

// The tendon's thickness at its thickest point in `frame`, away from the tendon's traced ends and
// from a suspected defect (a thickness is not measured across a tear); nullopt where none is seen.
std::optional<Caliper> thickness_caliper(const segmentation::TendonTrace& tendon,
                                         const segmentation::Tear& tear, int frame);

// A caliper's label: "gap 9.8 mm", "thickness 5.1 mm".
std::string caliper_label(Layer layer, double length_mm);

// A measurement the caption reports; `analysed_mm` is set when a reviewer corrected it, to say
// what it was.
struct CaptionValue {
  std::optional<double> mm;
  std::optional<double> analysed_mm;
};

// What the caption says in numbers: the gap at rest and at peak, the focal thickening, and
// (only when a reviewer corrected this frame) the gap and thickness measured in this frame.
struct CaptionMeasures {
  CaptionValue gap_rest, gap_peak, thickening;
  CaptionValue gap_here, thickness_here;
};
// The analysis' own: none corrected, nothing "here".
CaptionMeasures analysed_measures(const segmentation::Analysis& analysis);

// The caption of `frame` with these measurements: "frame 20 of 40  1.00 s  contraction 100 %
// (peak)", the tear's line and the tendon's. A corrected value reads "10.4 mm (corrected from
// 9.8)".
std::vector<std::string> caption(const imaging::CineLoop& loop,
                                 const segmentation::Analysis& analysis, int frame,
                                 const CaptionMeasures& measures);

// The overlay of one frame (0 <= frame < loop.frame_count()), the layers not shown left out.
FrameOverlay frame_overlay(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                           int frame, LayerSet layers = {});

}  // namespace dynamus::overlay
