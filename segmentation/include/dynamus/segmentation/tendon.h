// The tendon: a bright fibrillar band, its two surfaces traced in every frame, and its thickness.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/segmentation/geometry.h"

namespace dynamus::segmentation {

struct TendonTrace {
  bool found = false;
  std::string not_found_reason;  // for people, when !found ("no bright fibrillar band ...")
  std::vector<double> x_mm;      // lateral sample positions, increasing
  // [frame][sample]: depth of the superficial (upper) and deep (lower) surface; nullopt where the
  // tendon is not seen at that x in that frame (beyond its ends, inside a full-thickness gap).
  std::vector<DepthProfileMm> upper_mm;
  std::vector<DepthProfileMm> lower_mm;
};

// Finds the tendon in the rest frame and follows its surfaces through the loop with the motion,
// refined against each frame. Needs a calibrated loop (kInvalidArgument otherwise); a loop without
// a tendon is not an error: found is false and the reason says why.
Result<TendonTrace> trace_tendon(const imaging::CineLoop& loop, const imaging::Motion& motion,
                                 const imaging::ContractionPhases& phases);

struct Thickening {
  bool present = false;
  double max_mm = 0.0;              // thickest point
  double ratio = 0.0;               // thickest point / median of the intact segment
  double x_mm = 0.0;                // where, at rest
  double echogenicity_ratio = 0.0;  // mean grey of the thickened segment / of the intact tendon
};

struct TendonThickness {
  // Per frame over the samples where both surfaces are seen; nullopt where none is.
  std::vector<std::optional<double>> per_frame_median_mm;
  std::vector<std::optional<double>> per_frame_max_mm;
  std::optional<double> rest_mm, peak_mm;  // the per-frame median at the rest and peak frames
  std::optional<double> median_mm, max_mm;  // over all frames
  Thickening thickening;
};

TendonThickness measure_thickness(const imaging::CineLoop& loop, const TendonTrace& tendon,
                                  const imaging::ContractionPhases& phases);

}  // namespace dynamus::segmentation
