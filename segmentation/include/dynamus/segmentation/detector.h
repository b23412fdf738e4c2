// Tear detectors: an interface, a factory by name, hidden implementations (DESIGN.md), so the
// in-tree tear finder ("default") and a plugin's detector look the same to analyze().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/plugin_info.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/segmentation/geometry.h"
#include "dynamus/segmentation/tear.h"
#include "dynamus/segmentation/tendon.h"

namespace dynamus::segmentation {

// What a detector sees: a calibrated loop, its motion and phases, the tendon (found or not).
struct DetectionInput {
  const imaging::CineLoop& loop;
  const imaging::Motion& motion;
  const imaging::ContractionPhases& phases;
  const TendonTrace& tendon;
};

// One candidate region a detector proposes (result.json "detections").
struct Detection {
  std::string detector;
  std::string label;   // the detector's own word for it ("lesion", "partial", "full", ...)
  double score = 0.0;  // [0, 1]
  int frame = 0;
  std::vector<PointMm> polygon_mm;
};

struct TearFinding {
  Tear tear;                          // tear.frames has one entry per frame
  std::vector<Detection> detections;  // empty for the in-tree finder
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  virtual Result<TearFinding> detect(const DetectionInput& input) const = 0;
  // The plugin this detector came from; null for the in-tree finder.
  virtual const PluginInfo* plugin() const { return nullptr; }
};

// "default" (find_tear(), when the tendon was found) and any registered detector.
// kInvalidArgument otherwise.
Result<std::unique_ptr<Detector>> create_detector(std::string_view name);
std::vector<std::string> detector_names();

// More detectors by name from outside the library (the plugin host registers the plugins' ones).
// kInvalidArgument when the name is empty or taken.
using DetectorFactory = std::function<Result<std::unique_ptr<Detector>>()>;
Status register_detector(const std::string& name, DetectorFactory factory);

// Candidates within this distance of each other (centroids) are about the same region.
inline constexpr double kSameRegionMm = 5.0;

// The tear finding of a detector that proposes candidate regions. Its best candidate drives
// `suspected` (score >= kSuspectScore), `score`, `location_mm` (the candidate's centroid) and the
// regions (per frame, the best candidate about the same region). The in-tree finder's
// measurements (gap, stumps, kind, components) are kept only when it suspected a tear about the
// same region; otherwise they are absent (`measured` false) and `kind` comes from a label
// "partial" or "full", else "partial".
TearFinding tear_from_candidates(const DetectionInput& input, std::vector<Detection> candidates);

}  // namespace dynamus::segmentation
