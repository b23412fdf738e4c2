// A review drawn: the overlay model of a frame with each finding's corrected geometry in place of
// the analysed one, so the viewer (and any export) draws corrections through the one overlay
// path; and the handles a reviewer can grab.
#pragma once

#include <optional>
#include <vector>

#include "dynamus/overlay/overlay.h"
#include "dynamus/review/review.h"

namespace dynamus::review {

// Draws every finding's geometry in `frame` with its corrections: the gap caliper and its
// stump-end markers, the tear region's outline, the thickness caliper. Caliper labels carry the
// corrected measurement and say whether it was corrected and what was decided:
// "gap 10.4 mm, corrected, accepted".
void apply_corrections(const Review& review, int frame, overlay::FrameOverlay& overlay);

// The caption's measurements with the reviewer's corrections: the gap at rest and at peak and the
// focal thickening (at its key frame) where those frames were corrected, and the gap and thickness
// "here" when `frame` is another corrected frame. Draw with overlay::caption().
overlay::CaptionMeasures caption_measures(const Review& review,
                                          const segmentation::Analysis& analysis, int frame);

struct HandleRef {
  std::size_t finding = 0;
  Handle handle = Handle::kCaliperEnd;
  int index = 0;
  PointMm at_mm;  // where it is now (corrections applied)
};

// The handles of one finding in `frame`: its caliper ends, then its region's vertices.
std::vector<HandleRef> handles(const Review& review, std::size_t finding, int frame);

// The handle of `finding` nearest to `at_mm` within `radius_mm`, caliper ends first when both are
// equally near (they sit on the region's edge); nullopt when none is that near.
std::optional<HandleRef> nearest_handle(const Review& review, std::size_t finding, int frame,
                                        PointMm at_mm, double radius_mm);

// The finding whose geometry in `frame` (caliper line or region) lies within `radius_mm` of
// `at_mm`, the nearest first; for picking a finding by clicking its overlay.
std::optional<std::size_t> finding_at(const Review& review, int frame, PointMm at_mm,
                                      double radius_mm);

}  // namespace dynamus::review
