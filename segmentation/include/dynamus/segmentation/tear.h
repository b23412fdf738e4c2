// Tear candidates: where the tendon's fibrillar continuity breaks, and how far the stumps move
// apart as the muscle contracts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/segmentation/geometry.h"
#include "dynamus/segmentation/tendon.h"

namespace dynamus::segmentation {

// A candidate scoring at least this is a suspected tear.
inline constexpr double kSuspectScore = 0.5;

struct TearFrame {
  std::optional<double> gap_mm;  // between the stump ends along the fibre axis
  std::optional<PointMm> proximal_end_mm, distal_end_mm;  // the stump ends the gap is measured at
  std::vector<PointMm> polygon_mm;                        // outline of the defect
};

// Each in [0, 1]; the score combines them.
struct TearScoreComponents {
  // Loss of fibrillar continuity: the mean of the share of the thickness the defect crosses and
  // the loss of orientation coherence across it (1 - fibre_continuity).
  double discontinuity = 0.0;
  double hypoechogenicity = 0.0;  // darkness of the defect against the intact tendon
  double separation = 0.0;        // stumps moving apart / strain concentration with contraction
};

struct Tear {
  bool suspected = false;
  std::string kind = "none";  // "none", "partial", "full"
  double score = 0.0;         // [0, 1]
  // False when a plugin detector found the tear where the in-tree finder measured none: the
  // components, interrupted_fraction, fibre_continuity and gaps are then not measured.
  bool measured = true;
  TearScoreComponents components;
  double interrupted_fraction = 0.0;  // share of the tendon's thickness the defect crosses
  // Fibrillar alignment left across the defect against the intact tendon's, in [0, 1].
  double fibre_continuity = 1.0;
  std::optional<PointMm> location_mm;  // the defect's centre at rest
  std::vector<TearFrame> frames;       // one per frame; empty entries when not suspected
  std::optional<double> gap_rest_mm, gap_peak_mm, separation_increase_mm;
};

Result<Tear> find_tear(const imaging::CineLoop& loop, const imaging::Motion& motion,
                       const imaging::ContractionPhases& phases, const TendonTrace& tendon);

}  // namespace dynamus::segmentation
