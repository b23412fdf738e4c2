// The muscle belly: its superficial and deep aponeuroses, its thickness between them and the
// pennation angle of its fascicles against the deep aponeurosis.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/segmentation/geometry.h"
#include "dynamus/segmentation/tendon.h"

namespace dynamus::segmentation {

struct MuscleTrace {
  bool found = false;
  std::string not_found_reason;
  std::vector<double> x_mm;  // lateral sample positions, increasing
  // [frame][sample]: depth of the superficial and the deep aponeurosis (their inner edges).
  std::vector<DepthProfileMm> superficial_mm;
  std::vector<DepthProfileMm> deep_mm;
  std::vector<std::optional<double>> thickness_mm;   // per frame, median over the samples
  std::vector<std::optional<double>> pennation_deg;  // per frame, fascicles vs deep aponeurosis
};

// Works on a single still image too (a one-frame loop with no motion pairs).
Result<MuscleTrace> trace_muscle(const imaging::CineLoop& loop, const imaging::Motion& motion,
                                 const TendonTrace& tendon);

}  // namespace dynamus::segmentation
