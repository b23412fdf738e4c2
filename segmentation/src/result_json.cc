#include "dynamus/segmentation/result_json.h"

#include <fmt/format.h>

#include "dynamus/core/sha256.h"
#include "dynamus/core/version.h"
#include "dynamus/imaging/loop_json.h"

namespace dynamus::segmentation {
namespace {

using nlohmann::json;

json number_or_null(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json point_or_null(const std::optional<PointMm>& point) {
  return point ? json{point->x_mm, point->y_mm} : json(nullptr);
}

json polygon_json(const std::vector<PointMm>& polygon_mm) {
  json polygon = json::array();
  for (const PointMm& p : polygon_mm) polygon.push_back({p.x_mm, p.y_mm});
  return polygon;
}

json detections_json(const std::vector<Detection>& detections) {
  json array = json::array();
  for (const Detection& d : detections) {
    array.push_back({{"detector", d.detector},
                     {"label", d.label},
                     {"score", d.score},
                     {"frame", d.frame},
                     {"polygon_mm", polygon_json(d.polygon_mm)}});
  }
  return array;
}

// Exactly `frames` entries: a library that measured fewer frames leaves the rest null.
json per_frame(const std::vector<std::optional<double>>& values, int frames) {
  json array = json::array();
  for (std::size_t f = 0; f < std::size_t(frames); ++f) {
    array.push_back(f < values.size() ? number_or_null(values[f]) : json(nullptr));
  }
  return array;
}

json contraction_json(const imaging::CineLoop& loop, const imaging::ContractionPhases& phases) {
  json probe = json::array();
  const auto& spacing = loop.calibration().spacing_mm;
  for (const auto& shift_px : phases.probe_shift_px) {
    probe.push_back(spacing ? json{shift_px[0] * (*spacing)[0], shift_px[1] * (*spacing)[1]}
                            : json(nullptr));
  }
  return {{"rest_frame", phases.rest_frame},
          {"peak_frame", phases.peak_frame},
          {"level", phases.level},
          {"cycle_starts", phases.cycle_starts},
          {"probe_shift_mm", probe}};
}

json tendon_json(const Analysis& analysis, int frames) {
  const TendonThickness& t = analysis.tendon_thickness;
  const Thickening& thick = t.thickening;
  json tendon{
      {"found", analysis.tendon.found},
      {"thickness_mm",
       {{"rest", number_or_null(t.rest_mm)},
        {"peak", number_or_null(t.peak_mm)},
        {"median", number_or_null(t.median_mm)},
        {"max", number_or_null(t.max_mm)}}},
      {"per_frame_median_mm", per_frame(t.per_frame_median_mm, frames)},
      {"per_frame_max_mm", per_frame(t.per_frame_max_mm, frames)},
      {"thickening",
       {{"present", thick.present},
        {"max_mm", thick.present ? json(thick.max_mm) : json(nullptr)},
        {"ratio", thick.present ? json(thick.ratio) : json(nullptr)},
        {"x_mm", thick.present ? json(thick.x_mm) : json(nullptr)},
        {"echogenicity_ratio", thick.present ? json(thick.echogenicity_ratio) : json(nullptr)}}}};
  if (!analysis.tendon.found) tendon["reason"] = analysis.tendon.not_found_reason;
  return tendon;
}

json tear_json(const Tear& tear, int frames) {
  std::vector<std::optional<double>> gaps;
  json regions = json::array(), stumps = json::array();
  for (std::size_t f = 0; f < tear.frames.size(); ++f) {
    const TearFrame& frame = tear.frames[f];
    gaps.push_back(frame.gap_mm);
    if (!frame.polygon_mm.empty()) {
      regions.push_back({{"frame", f}, {"polygon_mm", polygon_json(frame.polygon_mm)}});
    }
    if (frame.proximal_end_mm && frame.distal_end_mm) {
      stumps.push_back({{"frame", f},
                        {"proximal_mm", point_or_null(frame.proximal_end_mm)},
                        {"distal_mm", point_or_null(frame.distal_end_mm)}});
    }
  }
  return {
      {"suspected", tear.suspected},
      {"kind", tear.kind},
      {"score", tear.score},
      {"components", tear.measured ? json{{"discontinuity", tear.components.discontinuity},
                                          {"hypoechogenicity", tear.components.hypoechogenicity},
                                          {"separation", tear.components.separation}}
                                   : json(nullptr)},
      {"gap_mm",
       {{"rest", number_or_null(tear.gap_rest_mm)}, {"peak", number_or_null(tear.gap_peak_mm)}}},
      {"per_frame_gap_mm", per_frame(gaps, frames)},
      {"separation_increase_mm", number_or_null(tear.separation_increase_mm)},
      {"interrupted_fraction",
       tear.suspected && tear.measured ? json(tear.interrupted_fraction) : json(nullptr)},
      {"fibre_continuity",
       tear.suspected && tear.measured ? json(tear.fibre_continuity) : json(nullptr)},
      {"location_mm", point_or_null(tear.location_mm)},
      {"regions", regions},
      {"stumps", stumps}};
}

json muscle_json(const MuscleTrace& muscle, int frames) {
  json result{{"found", muscle.found},
              {"thickness_mm", per_frame(muscle.thickness_mm, frames)},
              {"pennation_deg", per_frame(muscle.pennation_deg, frames)}};
  if (!muscle.found) result["reason"] = muscle.not_found_reason;
  return result;
}

}  // namespace

json plugins_json(const std::vector<PluginInfo>& plugins) {
  json array = json::array();
  for (const PluginInfo& p : plugins) {
    array.push_back({{"name", p.name},
                     {"kind", p.kind},
                     {"version", p.version},
                     {"abi_version", p.abi_version},
                     {"api_version", p.api_version},
                     {"path", p.path},
                     {"sha256", p.sha256}});
  }
  return array;
}

json params_json(const AnalysisParams& params) {
  return {{"tracker", params.tracker}, {"step_px", params.step_px}, {"detector", params.detector}};
}

Result<AnalysisParams> params_from_json(const json& params) {
  AnalysisParams result;
  try {
    result.tracker = params.value("tracker", result.tracker);
    result.step_px = params.value("step_px", result.step_px);
    result.detector = params.value("detector", result.detector);
  } catch (const json::exception& error) {
    return Status(StatusCode::kInvalidData, fmt::format("unreadable params: {}", error.what()));
  }
  return result;
}

json result_json(const imaging::CineLoop& loop, const AnalysisParams& params,
                 const Analysis& analysis) {
  const int frames = loop.frame_count();
  const json parameters = params_json(params);
  return {{"schema", kResultSchema},
          {"dynamus_version", kVersion},
          {"input", imaging::input_json(loop)},
          {"params", parameters},
          {"params_hash", sha256_hex(parameters.dump())},
          {"contraction", contraction_json(loop, analysis.phases)},
          {"muscle", muscle_json(analysis.muscle, frames)},
          {"tendon", tendon_json(analysis, frames)},
          {"tear", tear_json(analysis.tear, frames)},
          {"detections", detections_json(analysis.detections)},
          {"plugins", plugins_json(analysis.plugins)},
          {"quality",
           {{"tracker", analysis.motion.tracker},
            {"tracking_fb_error_px", analysis.motion.forward_backward_error_px},
            {"trackable_share", analysis.motion.trackable_share},
            {"warnings", analysis.warnings}}}};
}

std::string frames_csv(const imaging::CineLoop& loop, const Analysis& analysis) {
  auto cell = [](const auto& values, std::size_t f) {
    return f < values.size() && values[f] ? fmt::format("{:.4f}", *values[f]) : std::string();
  };
  std::string csv =
      "frame,t_s,level,gap_mm,tendon_thickness_median_mm,tendon_thickness_max_mm,"
      "muscle_thickness_mm,pennation_deg\n";
  std::vector<std::optional<double>> gaps;
  for (const TearFrame& frame : analysis.tear.frames) gaps.push_back(frame.gap_mm);
  for (std::size_t f = 0; f < std::size_t(loop.frame_count()); ++f) {
    csv +=
        fmt::format("{},{},{:.4f},{},{},{},{},{}\n", f,
                    loop.has_timing() ? fmt::format("{:.6f}", loop.timing().timestamps_s[f]) : "",
                    analysis.phases.level[f], cell(gaps, f),
                    cell(analysis.tendon_thickness.per_frame_median_mm, f),
                    cell(analysis.tendon_thickness.per_frame_max_mm, f),
                    cell(analysis.muscle.thickness_mm, f), cell(analysis.muscle.pennation_deg, f));
  }
  return csv;
}

}  // namespace dynamus::segmentation
