#include "dynamus/segmentation/analysis.h"

#include <fmt/format.h>

namespace dynamus::segmentation {

Result<Analysis> analyze(const imaging::CineLoop& loop, const AnalysisParams& params) {
  DYNAMUS_ASSIGN_OR_RETURN(const std::unique_ptr<imaging::Tracker> tracker,
                           imaging::create_tracker(params.tracker));
  Analysis analysis;
  DYNAMUS_ASSIGN_OR_RETURN(analysis.motion, imaging::track(loop, *tracker, {params.step_px}));
  DYNAMUS_ASSIGN_OR_RETURN(analysis.phases, imaging::contraction_phases(analysis.motion));
  if (loop.frame_count() == 1) {
    analysis.warnings.push_back(
        "a still image: no motion and no contraction; the structures of its one frame are "
        "measured");
  }
  const std::size_t frames = std::size_t(loop.frame_count());
  analysis.tear.frames.resize(frames);
  analysis.tendon_thickness.per_frame_median_mm.resize(frames);
  analysis.tendon_thickness.per_frame_max_mm.resize(frames);
  analysis.muscle.thickness_mm.resize(frames);
  analysis.muscle.pennation_deg.resize(frames);
  if (!loop.calibration().spacing_mm) {
    const std::string reason = "the loop has no calibration: give --spacing to measure in mm";
    analysis.warnings.push_back(reason);
    analysis.tendon.not_found_reason = analysis.muscle.not_found_reason = reason;
    return analysis;
  }
  if (!loop.calibration().trusted) {
    analysis.warnings.push_back(
        "the calibration contradicts the image (see input.calibration): millimetres are doubtful");
  }
  DYNAMUS_ASSIGN_OR_RETURN(analysis.tendon, trace_tendon(loop, analysis.motion, analysis.phases));
  if (analysis.tendon.found) {
    analysis.tendon_thickness = measure_thickness(loop, analysis.tendon, analysis.phases);
    DYNAMUS_ASSIGN_OR_RETURN(analysis.tear,
                             find_tear(loop, analysis.motion, analysis.phases, analysis.tendon));
  } else {
    analysis.warnings.push_back(
        fmt::format("no tendon measured: {}", analysis.tendon.not_found_reason));
  }
  DYNAMUS_ASSIGN_OR_RETURN(analysis.muscle, trace_muscle(loop, analysis.motion, analysis.tendon));
  if (!analysis.muscle.found) {
    analysis.warnings.push_back(
        fmt::format("no muscle measured: {}", analysis.muscle.not_found_reason));
  }
  return analysis;
}

}  // namespace dynamus::segmentation
