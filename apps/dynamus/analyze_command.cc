// dynamus analyze INPUT -o DIR [--tracker NAME] [--step PX]: the whole analysis of a loop.
// Writes DIR/rest.png and DIR/peak.png (annotated key frames), DIR/frames.csv (per-frame
// measurements) and, last, DIR/result.json (dynamus.analysis/1): each file atomically, so a
// result.json present means a complete analysis. The findings go to stdout.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/reporting/annotated_frame.h"
#include "dynamus/segmentation/analysis.h"
#include "dynamus/segmentation/result_json.h"

namespace dynamus::cli {
namespace {

struct AnalyzeArgs {
  std::string input;
  std::string output_dir;
  segmentation::AnalysisParams params;
  InputOptions input_options;
};

std::string mm(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f} mm", *value) : "not measured";
}

// One screen of findings, for people.
std::string findings(const imaging::CineLoop& loop, const segmentation::Analysis& analysis) {
  std::string text = fmt::format("{}: {} frames", loop.source().path, loop.frame_count());
  if (loop.has_timing()) text += fmt::format(", {:.2f} s", *loop.duration_s());
  text += fmt::format("; rest frame {}, peak frame {}\n", analysis.phases.rest_frame,
                      analysis.phases.peak_frame);
  const segmentation::Tear& tear = analysis.tear;
  if (tear.suspected) {
    text += fmt::format(
        "  tear       {} thickness, score {:.2f} (continuity {:.2f}, "
        "echo {:.2f}, separation {:.2f})\n",
        tear.kind, tear.score, tear.components.discontinuity, tear.components.hypoechogenicity,
        tear.components.separation);
    text +=
        fmt::format("  gap        {} at rest, {} at peak: the stumps separate by {}\n",
                    mm(tear.gap_rest_mm), mm(tear.gap_peak_mm), mm(tear.separation_increase_mm));
    if (tear.location_mm) {
      text += fmt::format("  location   x {:.1f} mm, depth {:.1f} mm\n", tear.location_mm->x_mm,
                          tear.location_mm->y_mm);
    }
  } else if (analysis.tendon.found) {
    text += fmt::format("  tear       none suspected (score {:.2f})\n", tear.score);
  }
  const segmentation::TendonThickness& t = analysis.tendon_thickness;
  if (analysis.tendon.found) {
    text += fmt::format("  tendon     {} thick (median; {} at rest, {} at peak, max {})\n",
                        mm(t.median_mm), mm(t.rest_mm), mm(t.peak_mm), mm(t.max_mm));
    text += t.thickening.present
                ? fmt::format(
                      "  thickening {:.1f} mm, {:.2f}x the intact tendon, at x {:.1f} mm, "
                      "echo {:.0f} % of the intact tendon\n",
                      t.thickening.max_mm, t.thickening.ratio, t.thickening.x_mm,
                      100.0 * t.thickening.echogenicity_ratio)
                : "  thickening none focal\n";
  }
  const segmentation::MuscleTrace& muscle = analysis.muscle;
  if (muscle.found) {
    const auto rest = std::size_t(analysis.phases.rest_frame);
    const auto peak = std::size_t(analysis.phases.peak_frame);
    auto deg = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.1f} deg", *v) : "not measured";
    };
    text += fmt::format("  muscle     {} thick at rest, {} at peak; pennation {} -> {}\n",
                        mm(muscle.thickness_mm[rest]), mm(muscle.thickness_mm[peak]),
                        deg(muscle.pennation_deg[rest]), deg(muscle.pennation_deg[peak]));
  }
  for (const std::string& warning : analysis.warnings) text += "  note       " + warning + "\n";
  return text;
}

Status write_key_frame(const std::filesystem::path& path, const imaging::CineLoop& loop,
                       const segmentation::Analysis& analysis, int frame) {
  const overlay::FrameOverlay drawn = overlay::frame_overlay(loop, analysis, frame);
  return reporting::write_png(path, reporting::render_annotated_frame(loop, drawn));
}

Status run(const AnalyzeArgs& args) {
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::LoadOptions options,
                           args.input_options.to_load_options());
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::CineLoop loop, imaging::load(args.input, options));
  Result<segmentation::Analysis> analysis = segmentation::analyze(loop, args.params);
  if (!analysis.ok()) return analysis.status().with_context(args.input);
  const std::filesystem::path dir(args.output_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot create the output folder: {}", error.message()),
                  args.output_dir);
  }
  DYNAMUS_RETURN_IF_ERROR(
      write_key_frame(dir / "rest.png", loop, *analysis, analysis->phases.rest_frame));
  DYNAMUS_RETURN_IF_ERROR(
      write_key_frame(dir / "peak.png", loop, *analysis, analysis->phases.peak_frame));
  DYNAMUS_RETURN_IF_ERROR(
      write_text_file_atomically(dir / "frames.csv", segmentation::frames_csv(loop, *analysis)));
  DYNAMUS_RETURN_IF_ERROR(write_text_file_atomically(
      dir / "result.json", segmentation::result_json(loop, args.params, *analysis).dump(2) + "\n"));
  std::cout << findings(loop, *analysis);
  return ok_status();
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* command = app.add_subcommand(
      "analyze", "tendon and muscle measurements, tear detection and fibre-end separation");
  command->add_option("INPUT", args->input, "cine loop")->required();
  command->add_option("-o,--output", args->output_dir, "output folder (created when missing)")
      ->required();
  command
      ->add_option("--tracker", args->params.tracker,
                   "default, farneback, dis-ultrafast, dis-fast, dis-medium")
      ->capture_default_str();
  command->add_option("--step", args->params.step_px, "motion grid step in pixels")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
  args->input_options.add_to(*command);
  command->callback([args, &exit_code] {
    const Status status = run(*args);
    if (!status.ok()) report_error(status);
    exit_code = exit_code_for(status.code());
  });
}

}  // namespace dynamus::cli
