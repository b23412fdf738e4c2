// What the linked plots show, without any GUI: per frame its time and the analysis' contraction
// level (%), tear gap (mm) and median tendon thickness (mm). Read from the analysis as it is (no
// recomputation); a frame without a measurement has NaN, which the chart leaves as a gap.
#pragma once

#include <vector>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::view {

struct TimelineSeries {
  bool in_seconds = false;  // false: the loop has no timing and `t` is the frame index
  std::vector<double> t;    // per frame, seconds since the first frame (or the frame index)
  std::vector<double> level_pct;
  std::vector<double> gap_mm;
  std::vector<double> thickness_mm;
};

// One value per frame of `loop` in every series.
TimelineSeries timeline_series(const imaging::CineLoop& loop,
                               const segmentation::Analysis& analysis);

// The frame whose time is nearest to `t` (the first of equals); 0 for an empty series.
int nearest_frame(const TimelineSeries& series, double t);

}  // namespace dynamus::view
