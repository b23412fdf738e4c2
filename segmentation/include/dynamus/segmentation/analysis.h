// The whole analysis of a cine loop, as `dynamus analyze`, the batch and the viewer run it: motion,
// contraction phases, the tendon and the muscle traced through the loop, their measurements and
// the tear candidate.
#pragma once

#include <string>
#include <vector>

#include "dynamus/core/progress.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/segmentation/detector.h"
#include "dynamus/segmentation/muscle.h"
#include "dynamus/segmentation/tear.h"
#include "dynamus/segmentation/tendon.h"

namespace dynamus::segmentation {

// Everything that changes the result; recorded (and hashed) in result.json.
struct AnalysisParams {
  std::string tracker = "default";
  int step_px = imaging::TrackOptions{}.step_px;
  std::string detector = "default";  // create_detector()
};

struct Analysis {
  imaging::Motion motion;
  imaging::ContractionPhases phases;
  TendonTrace tendon;
  TendonThickness tendon_thickness;
  Tear tear;
  std::vector<Detection> detections = {};  // a candidate detector's regions (empty for "default")
  MuscleTrace muscle;
  std::vector<PluginInfo> plugins = {};  // every plugin the analysis used (tracker, detector)
  std::vector<std::string> warnings;     // for people: what could not be measured, and why
};

// A still image (one frame) is measured without motion. Without a calibration the motion and the
// phases are measured, the structures are not (a warning says so): they need millimetres.
// `progress` hears of each frame pair tracked and each step begun; cancelling it returns
// kCancelled before the next one.
Result<Analysis> analyze(const imaging::CineLoop& loop, const AnalysisParams& params = {},
                         const Progress& progress = {});

}  // namespace dynamus::segmentation
