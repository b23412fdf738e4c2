// A hand-made analysis of three frames with a suspected tear (peak at frame 2) and a focal
// thickening, so the review's findings and measurements have exact expected values.
#pragma once

#include "dynamus/segmentation/analysis.h"

namespace dynamus::review::testing {

inline segmentation::Analysis tear_and_thickening() {
  segmentation::Analysis a;
  a.phases.level = {0.0, 0.5, 1.0};
  a.phases.rest_frame = 0;
  a.phases.peak_frame = 2;
  a.tendon.found = true;
  a.tendon.x_mm = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0};
  // Thickest at x = 2 (2.5 mm), away from the defect at x 5-6 and from the traced ends.
  const segmentation::DepthProfileMm upper{4.0,          4.0, 4.0, 4.0, 4.0,
                                           std::nullopt, 4.0, 4.0, 4.0, 4.0};
  const segmentation::DepthProfileMm lower{6.0,          6.0, 6.5, 6.0, 6.0,
                                           std::nullopt, 6.0, 6.0, 6.0, 6.0};
  a.tendon.upper_mm.assign(3, upper);
  a.tendon.lower_mm.assign(3, lower);
  a.tendon_thickness.thickening = {true, 2.5, 1.25, 2.0, 0.8};
  a.tear.suspected = true;
  a.tear.kind = "full";
  a.tear.score = 0.9;
  a.tear.frames.resize(3);
  for (std::size_t f = 0; f < 3; ++f) {
    const double half_gap = 0.5 + 0.25 * double(f);
    a.tear.frames[f].gap_mm = 2 * half_gap;
    a.tear.frames[f].proximal_end_mm = segmentation::PointMm{5.5 - half_gap, 5.0};
    a.tear.frames[f].distal_end_mm = segmentation::PointMm{5.5 + half_gap, 5.0};
    // A 2 mm x 2 mm square: 4 mm^2.
    a.tear.frames[f].polygon_mm = {{4.5, 4.0}, {6.5, 4.0}, {6.5, 6.0}, {4.5, 6.0}};
  }
  a.tear.gap_rest_mm = 1.0;
  a.tear.gap_peak_mm = 2.0;
  return a;
}

}  // namespace dynamus::review::testing
