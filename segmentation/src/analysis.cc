#include "dynamus/segmentation/analysis.h"

#include <fmt/format.h>

namespace dynamus::segmentation {

namespace {

// Where each step starts, as a share of the whole analysis' time: measured on the bundled 40-frame
// 320 x 240 scans (tracking 57 %, tendon 5 %, tear 2 %, muscle 36 %), so the bar moves evenly.
constexpr double kTrackedShare = 0.57, kTendonShare = 0.62, kTearShare = 0.64;

}  // namespace

Result<Analysis> analyze(const imaging::CineLoop& loop, const AnalysisParams& params,
                         const Progress& progress) {
  DYNAMUS_ASSIGN_OR_RETURN(const std::unique_ptr<imaging::Tracker> tracker,
                           imaging::create_tracker(params.tracker));
  DYNAMUS_ASSIGN_OR_RETURN(const std::unique_ptr<Detector> detector,
                           create_detector(params.detector));
  Analysis analysis;
  DYNAMUS_ASSIGN_OR_RETURN(
      analysis.motion,
      imaging::track(loop, *tracker,
                     {params.step_px, progress_part(progress, 0.0, kTrackedShare)}));
  if (analysis.motion.tracker_plugin) analysis.plugins.push_back(*analysis.motion.tracker_plugin);
  if (detector->plugin() != nullptr) analysis.plugins.push_back(*detector->plugin());
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
  DYNAMUS_RETURN_IF_ERROR(report_progress(progress, kTrackedShare, "tendon"));
  DYNAMUS_ASSIGN_OR_RETURN(analysis.tendon, trace_tendon(loop, analysis.motion, analysis.phases));
  if (analysis.tendon.found) {
    analysis.tendon_thickness = measure_thickness(loop, analysis.tendon, analysis.phases);
  } else {
    analysis.warnings.push_back(
        fmt::format("no tendon measured: {}", analysis.tendon.not_found_reason));
  }
  DYNAMUS_RETURN_IF_ERROR(report_progress(progress, kTendonShare, "tear"));
  DYNAMUS_ASSIGN_OR_RETURN(
      TearFinding finding,
      detector->detect({loop, analysis.motion, analysis.phases, analysis.tendon}));
  analysis.tear = std::move(finding.tear);
  analysis.detections = std::move(finding.detections);
  DYNAMUS_RETURN_IF_ERROR(report_progress(progress, kTearShare, "muscle"));
  DYNAMUS_ASSIGN_OR_RETURN(analysis.muscle, trace_muscle(loop, analysis.motion, analysis.tendon));
  if (!analysis.muscle.found) {
    analysis.warnings.push_back(
        fmt::format("no muscle measured: {}", analysis.muscle.not_found_reason));
  }
  DYNAMUS_RETURN_IF_ERROR(report_progress(progress, 1.0, "done"));
  return analysis;
}

}  // namespace dynamus::segmentation
