// The tear detectors: the in-tree finder and the merge of a candidate detector's regions into
// the tear finding.
#include "dynamus/segmentation/detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "dynamus/core/named_registry.h"

namespace dynamus::segmentation {
namespace {

class TearFinder final : public Detector {
 public:
  std::string_view name() const override { return "default"; }
  Result<TearFinding> detect(const DetectionInput& input) const override {
    TearFinding finding;
    if (input.tendon.found) {
      DYNAMUS_ASSIGN_OR_RETURN(finding.tear,
                               find_tear(input.loop, input.motion, input.phases, input.tendon));
    }
    finding.tear.frames.resize(std::size_t(input.loop.frame_count()));
    return finding;
  }
};

// The built-in detector's name and the detectors registered from outside (plugins).
NamedRegistry<DetectorFactory>& registry() {
  static NamedRegistry<DetectorFactory> instance({"default"});
  return instance;
}

PointMm centroid(const std::vector<PointMm>& polygon) {
  PointMm sum;
  for (const PointMm& p : polygon) {
    sum.x_mm += p.x_mm / double(polygon.size());
    sum.y_mm += p.y_mm / double(polygon.size());
  }
  return sum;
}

double distance_mm(const PointMm& a, const PointMm& b) {
  return std::hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm);
}

}  // namespace

std::vector<std::string> detector_names() { return registry().names(); }

Status register_detector(const std::string& name, DetectorFactory factory) {
  return registry().add(name, std::move(factory));
}

Result<std::unique_ptr<Detector>> create_detector(std::string_view name) {
  if (name == "default") return std::unique_ptr<Detector>(std::make_unique<TearFinder>());
  if (const DetectorFactory factory = registry().find(name)) return factory();
  return Status(StatusCode::kInvalidArgument,
                fmt::format("unknown detector '{}' ({})", name, fmt::join(detector_names(), ", ")));
}

TearFinding tear_from_candidates(const DetectionInput& input, std::vector<Detection> candidates) {
  const std::size_t frames = std::size_t(input.loop.frame_count());
  TearFinding finding;
  finding.detections = std::move(candidates);
  Tear& tear = finding.tear;
  tear.frames.resize(frames);
  const auto best =
      std::max_element(finding.detections.begin(), finding.detections.end(),
                       [](const Detection& a, const Detection& b) { return a.score < b.score; });
  tear.measured = false;
  if (best == finding.detections.end()) return finding;
  tear.score = best->score;
  if (best->score < kSuspectScore) return finding;
  const PointMm location = centroid(best->polygon_mm);
  // The in-tree finder's measurements, when they are about the same region.
  Result<Tear> in_tree = input.tendon.found
                             ? find_tear(input.loop, input.motion, input.phases, input.tendon)
                             : Result<Tear>(Tear{});
  const bool same_region = in_tree.ok() && in_tree->suspected && in_tree->location_mm &&
                           distance_mm(*in_tree->location_mm, location) <= kSameRegionMm;
  if (same_region) {
    tear = std::move(in_tree).value();
    for (TearFrame& frame : tear.frames) frame.polygon_mm.clear();
  } else {
    tear.kind = best->label == "full" || best->label == "partial" ? best->label : "partial";
  }
  tear.suspected = true;
  tear.score = best->score;
  tear.location_mm = location;
  std::vector<double> region_score(frames, -1.0);
  for (const Detection& candidate : finding.detections) {
    const std::size_t f = std::size_t(candidate.frame);
    if (f >= frames || candidate.score <= region_score[f] ||
        distance_mm(centroid(candidate.polygon_mm), location) > kSameRegionMm) {
      continue;
    }
    region_score[f] = candidate.score;
    tear.frames[f].polygon_mm = candidate.polygon_mm;
  }
  return finding;
}

}  // namespace dynamus::segmentation
