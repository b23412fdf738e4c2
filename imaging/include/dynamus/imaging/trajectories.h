// Following points through a loop, and the contraction level of every frame, from motion alone.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"

namespace dynamus::imaging {

struct TrackedPoint {
  double x_mm = 0.0;
  double y_mm = 0.0;
  double quality = 0.0;  // 1: matched consistently against an anchor frame; lower: less certain
};

// [point][frame]
using Trajectories = std::vector<std::vector<TrackedPoint>>;

// Follows points given in mm in frame 0. Each frame's positions are predicted from the motion and
// then matched directly against an anchor frame (frame 0 first, else the latest frame that still
// matches), so errors do not accumulate frame after frame and a loop that returns to rest returns
// its points to where they started. Needs a calibrated loop (kInvalidArgument otherwise).
Result<Trajectories> trajectories(const CineLoop& loop, const Motion& motion,
                                  std::span<const std::array<double, 2>> start_mm);

struct ContractionPhases {
  std::vector<double> level;      // per frame, 0 rest .. 1 peak
  int rest_frame = 0;             // the middle of the first rest
  int peak_frame = 0;             // the middle of the first peak
  std::vector<int> cycle_starts;  // frames where the level rises through one half
  // The probe's rigid translation since frame 0, per frame, [x, y] in pixels of the loop: the
  // image's median translation less the part that follows the contraction level.
  std::vector<std::array<double, 2>> probe_shift_px;
};

// The contraction level from the tissue's deformation: the non-rigid part of each node's
// displacement since frame 0 (the image's median translation removed, so probe jitter does not
// count), projected on the loop's dominant deformation mode and scaled to [0, 1]. A motion without
// pairs (a still image) has one frame at level 0, its rest and its peak.
Result<ContractionPhases> contraction_phases(const Motion& motion);

}  // namespace dynamus::imaging
