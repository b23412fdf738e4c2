#include "dynamus/reporting/report_content.h"

#include <fmt/format.h>

#include "dynamus/core/version.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/reporting/anonymize.h"
#include "dynamus/segmentation/result_json.h"
#include "utf8.h"

namespace dynamus::reporting {
namespace {

std::vector<Measurement> measurements(const segmentation::Analysis& analysis) {
  const segmentation::Tear& tear = analysis.tear;
  const segmentation::TendonThickness& t = analysis.tendon_thickness;
  const segmentation::MuscleTrace& muscle = analysis.muscle;
  const int rest = analysis.phases.rest_frame, peak = analysis.phases.peak_frame;
  auto at = [](const std::vector<std::optional<double>>& values, int frame) {
    return std::size_t(frame) < values.size() ? values[std::size_t(frame)] : std::nullopt;
  };
  auto if_present = [](bool present, double value) {
    return present ? std::optional<double>(value) : std::nullopt;
  };
  const bool thickening = t.thickening.present;
  const bool scored = analysis.tendon.found;
  using Q = Quantity;
  return {
      {Q::kGapRest, "Tear gap at rest", tear.gap_rest_mm, "mm", 1, rest},
      {Q::kGapPeak, "Tear gap at peak contraction", tear.gap_peak_mm, "mm", 1, peak},
      {Q::kSeparationIncrease, "Gap increase with contraction", tear.separation_increase_mm, "mm",
       1, -1},
      {Q::kTendonThickness, "Tendon thickness (median)", t.median_mm, "mm", 1, -1},
      {Q::kTendonThicknessRest, "Tendon thickness at rest", t.rest_mm, "mm", 1, rest},
      {Q::kTendonThicknessPeak, "Tendon thickness at peak", t.peak_mm, "mm", 1, peak},
      {Q::kTendonThicknessMax, "Tendon thickness (maximum)", t.max_mm, "mm", 1, -1},
      {Q::kThickeningMax, "Focal thickening", if_present(thickening, t.thickening.max_mm), "mm", 1,
       -1},
      {Q::kThickeningRatio, "Thickening / intact tendon",
       if_present(thickening, t.thickening.ratio), "{ratio}", 2, -1},
      {Q::kTearScore, "Tear score", if_present(scored, tear.score), "1", 2, -1},
      {Q::kScoreDiscontinuity, "Score: loss of continuity",
       if_present(scored && tear.measured, tear.components.discontinuity), "1", 2, -1},
      {Q::kScoreHypoechogenicity, "Score: hypoechogenicity",
       if_present(scored && tear.measured, tear.components.hypoechogenicity), "1", 2, -1},
      {Q::kScoreSeparation, "Score: separation with contraction",
       if_present(scored && tear.measured, tear.components.separation), "1", 2, -1},
      {Q::kMuscleThicknessRest, "Muscle thickness at rest", at(muscle.thickness_mm, rest), "mm", 1,
       rest},
      {Q::kMuscleThicknessPeak, "Muscle thickness at peak", at(muscle.thickness_mm, peak), "mm", 1,
       peak},
      {Q::kPennationRest, "Pennation angle at rest", at(muscle.pennation_deg, rest), "deg", 1,
       rest},
      {Q::kPennationPeak, "Pennation angle at peak", at(muscle.pennation_deg, peak), "deg", 1,
       peak},
  };
}

std::string verdict(const segmentation::Analysis& analysis) {
  const segmentation::Tear& tear = analysis.tear;
  if (!analysis.tendon.found) {
    return analysis.tendon.not_found_reason.empty()
               ? "No tendon found: no tear or tendon measurements"
               : "No tendon found: " + analysis.tendon.not_found_reason;
  }
  std::string text =
      tear.suspected
          ? fmt::format("{} tear suspected (score {:.2f})",
                        tear.kind == "full" ? "Full-thickness" : "Partial-thickness", tear.score)
          : fmt::format("No tear suspected (score {:.2f})", tear.score);
  if (tear.suspected && tear.gap_rest_mm && tear.gap_peak_mm) {
    text += fmt::format("; gap {:.1f} mm at rest, {:.1f} mm at peak contraction", *tear.gap_rest_mm,
                        *tear.gap_peak_mm);
  }
  if (analysis.tendon_thickness.thickening.present) {
    text += fmt::format("; focal thickening {:.1f} mm ({:.2f}x)",
                        analysis.tendon_thickness.thickening.max_mm,
                        analysis.tendon_thickness.thickening.ratio);
  }
  return text;
}

RgbImage key_frame(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                   int frame) {
  return render_annotated_frame(loop, overlay::frame_overlay(loop, analysis, frame));
}

}  // namespace

std::string Measurement::value_text() const {
  return value ? fmt::format("{:.{}f}", *value, decimals) : "not measured";
}

ReportContent report_content(const imaging::CineLoop& loop,
                             const segmentation::AnalysisParams& params,
                             const segmentation::Analysis& analysis, StudyHeader header) {
  ReportContent content;
  content.header = std::move(header);
  content.verdict = verdict(analysis);
  content.rest_frame_index = analysis.phases.rest_frame;
  content.peak_frame_index = analysis.phases.peak_frame;
  content.rest_frame = key_frame(loop, analysis, analysis.phases.rest_frame);
  content.peak_frame = key_frame(loop, analysis, analysis.phases.peak_frame);
  content.measurements = measurements(analysis);

  const int frames = loop.frame_count();
  content.x_label = loop.has_timing() ? "time (s)" : "frame";
  for (int f = 0; f < frames; ++f) {
    content.x.push_back(loop.has_timing() ? loop.timing().timestamps_s[std::size_t(f)] : double(f));
  }
  Series level{"Contraction level", "level (%)", {}, 100.0};
  Series gap{"Gap between the stump ends", "gap (mm)", {}};
  Series thickness{"Tendon thickness (median across the tendon)", "thickness (mm)", {}};
  for (int f = 0; f < frames; ++f) {
    const auto i = std::size_t(f);
    level.values.push_back(i < analysis.phases.level.size()
                               ? std::optional<double>(100.0 * analysis.phases.level[i])
                               : std::nullopt);
    gap.values.push_back(i < analysis.tear.frames.size() ? analysis.tear.frames[i].gap_mm
                                                         : std::nullopt);
    const auto& median = analysis.tendon_thickness.per_frame_median_mm;
    thickness.values.push_back(i < median.size() ? median[i] : std::nullopt);
  }
  if (frames > 1) content.series = {std::move(level), std::move(gap), std::move(thickness)};

  // result.json's own provenance, so the report cannot disagree with it.
  const nlohmann::json result = segmentation::result_json(loop, params, analysis);
  const imaging::Calibration& calibration = loop.calibration();
  std::string spacing = "none (measurements in pixels)";
  if (calibration.spacing_mm) {
    spacing = fmt::format("{:.4f} x {:.4f} mm per pixel", (*calibration.spacing_mm)[0],
                          (*calibration.spacing_mm)[1]);
  }
  std::string calibration_text = imaging::calibration_label(calibration);
  if (!calibration.detail.empty()) calibration_text += " (" + calibration.detail + ")";
  std::string input =
      fmt::format("{} frames, {} x {} px", frames, loop.width_px(), loop.height_px());
  if (loop.fps()) input += fmt::format(", {:.1f} fps", *loop.fps());
  if (!loop.source().format.empty()) input += ", " + loop.source().format;
  content.provenance = {
      {"Software", fmt::format("dynamus {}", kVersion)},
      {"Input", input},
      {"Input SHA-256", loop.source().sha256},
      {"Calibration", calibration_text},
      {"Pixel spacing", spacing},
      {"Tracker", params.tracker},
      {"Detector", params.detector},
      {"Parameters", result.at("params").dump()},
      {"Parameter hash", result.at("params_hash").get<std::string>()},
  };
  // The exact binaries behind a result from plugins.
  for (const PluginInfo& plugin : analysis.plugins) {
    content.provenance.emplace_back(fmt::format("Plugin {}", plugin.name),
                                    fmt::format("{} {}, {}, SHA-256 {}", plugin.kind,
                                                plugin.version, plugin.path, plugin.sha256));
  }
  if (!calibration.trusted) {
    content.notes.push_back(
        "The calibration contradicts the image: distances in mm are not to be relied on.");
  }
  for (const std::string& warning : loop.warnings()) content.notes.push_back(valid_utf8(warning));
  for (const std::string& warning : analysis.warnings) {
    content.notes.push_back(valid_utf8(warning));
  }
  for (auto& field : content.provenance) field.second = valid_utf8(field.second);
  if (content.header.anonymized) {
    if (const std::string warning = burned_in_text_warning(loop); !warning.empty())
      content.notes.push_back(warning);
    for (std::string& note : content.notes) note = without_input_name(note, loop);
  }
  return content;
}

}  // namespace dynamus::reporting
