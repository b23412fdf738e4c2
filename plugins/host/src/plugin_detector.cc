// A plugin's detector as a segmentation::Detector: the host lends the loop and its motion, the
// plugin emits candidate regions into a sink that checks and copies them.
#include <fmt/format.h>

#include <cmath>

#include "plugin_adapters.h"

namespace dynamus::plugin_host {
namespace {

// Copies candidates out of the plugin's calls; the first bad one stops the detection.
struct CandidateCollector {
  std::string detector;
  int frame_count = 0;
  std::vector<segmentation::Detection> detections;
  std::string refusal;

  static int emit(void* context, const DynamusCandidate* candidate) {
    auto& self = *static_cast<CandidateCollector*>(context);
    self.refusal = self.check(*candidate);
    if (!self.refusal.empty()) return DYNAMUS_PLUGIN_ERROR;
    segmentation::Detection detection{self.detector,
                                      candidate->label ? candidate->label : "",
                                      candidate->score,
                                      candidate->frame,
                                      {}};
    for (int i = 0; i < candidate->point_count; ++i) {
      detection.polygon_mm.push_back(
          {candidate->polygon_mm[2 * i], candidate->polygon_mm[2 * i + 1]});
    }
    self.detections.push_back(std::move(detection));
    return DYNAMUS_PLUGIN_OK;
  }

  std::string check(const DynamusCandidate& c) const {
    if (c.frame < 0 || c.frame >= frame_count) {
      return fmt::format("a candidate in frame {} of a {}-frame loop", c.frame, frame_count);
    }
    if (c.polygon_mm == nullptr || c.point_count < 3)
      return "a candidate polygon of fewer than 3 points";
    if (!std::isfinite(c.score) || c.score < 0.0 || c.score > 1.0) {
      return fmt::format("a candidate score of {} (outside [0, 1])", c.score);
    }
    for (int i = 0; i < 2 * c.point_count; ++i) {
      if (!std::isfinite(c.polygon_mm[i])) return "a candidate polygon with a non-finite point";
    }
    return {};
  }
};

class PluginDetector final : public segmentation::Detector,
                             private PluginInstance<DynamusDetectorTable> {
 public:
  using PluginInstance::PluginInstance;

  std::string_view name() const override { return info_.name; }
  const PluginInfo* plugin() const override { return &info_; }

  Result<segmentation::TearFinding> detect(
      const segmentation::DetectionInput& input) const override {
    const imaging::CineLoop& loop = input.loop;
    if (!loop.calibration().spacing_mm) {
      return Status(StatusCode::kInvalidArgument, "a detector needs a calibrated loop");
    }
    const int frames = loop.frame_count();
    std::vector<const std::uint8_t*> pixels;
    std::vector<double> times_s;
    for (int f = 0; f < frames; ++f) {
      pixels.push_back(loop.frame(f).data());
      // Without timing, frame numbers stand in for seconds (documented in plugin_api.h's users'
      // guide): a detector gets a value for every frame.
      times_s.push_back(loop.has_timing() ? loop.timing().timestamps_s[std::size_t(f)] : f);
    }
    std::vector<const float*> dx, dy, quality;
    for (const imaging::FlowField& pair : input.motion.pairs) {
      dx.push_back(pair.dx_px.data());
      dy.push_back(pair.dy_px.data());
      quality.push_back(pair.quality.data());
    }
    const imaging::FlowField* grid = input.motion.pairs.empty() ? nullptr : &input.motion.pairs[0];
    const auto& spacing_mm = *loop.calibration().spacing_mm;
    const DynamusCine cine{loop.width_px(),
                           loop.height_px(),
                           frames,
                           pixels.data(),
                           {spacing_mm[0], spacing_mm[1]},
                           times_s.data(),
                           grid ? grid->step_px : input.motion.step_px,
                           grid ? grid->cols : 0,
                           grid ? grid->rows : 0,
                           dx.data(),
                           dy.data(),
                           quality.data()};
    CandidateCollector collector{info_.name, frames, {}, {}};
    const DynamusCandidateSink sink{&collector, &CandidateCollector::emit};
    ErrorCollector error;
    const int status = table_->detect(instance_, &cine, &sink, error.sink());
    if (!collector.refusal.empty()) {
      return Status(StatusCode::kInternal,
                    fmt::format("plugin detector '{}' emitted {}", info_.name, collector.refusal),
                    info_.path);
    }
    if (status != DYNAMUS_PLUGIN_OK) return error.failure(info_, "detect");
    return segmentation::tear_from_candidates(input, std::move(collector.detections));
  }
};

}  // namespace

segmentation::DetectorFactory detector_factory(const PluginInfo& info,
                                               const DynamusDetectorTable* table) {
  return instance_factory<segmentation::Detector, PluginDetector>(info, table);
}

}  // namespace dynamus::plugin_host
