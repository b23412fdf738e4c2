#include "dynamus/reporting/analysis_folder.h"

#include <fmt/format.h>

#include <cmath>

#include "dynamus/core/atomic_file.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/reporting/annotated_frame.h"
#include "dynamus/reporting/anonymize.h"
#include "dynamus/reporting/dicom_results.h"
#include "dynamus/reporting/report.h"
#include "dynamus/reporting/report_content.h"
#include "dynamus/reporting/study_header.h"
#include "dynamus/segmentation/result_json.h"

namespace dynamus::reporting {
namespace {

std::string mm(const std::optional<double>& value) {
  if (!value) return "not measured";
  // Rounded to 0.1 mm; a value that rounds to zero is shown without a sign ("-0.0 mm" reads odd).
  const double shown = std::abs(*value) < 0.05 ? 0.0 : *value;
  return fmt::format("{:.1f} mm", shown);
}

RgbImage key_frame(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                   int frame) {
  return render_annotated_frame(loop, overlay::frame_overlay(loop, analysis, frame));
}

Status write_report(const std::filesystem::path& dir, const imaging::CineLoop& loop,
                    const segmentation::Analysis& analysis, const ReportContent& content) {
  DYNAMUS_RETURN_IF_ERROR(write_report_html(dir / "report.html", content));
  DYNAMUS_RETURN_IF_ERROR(write_report_pdf(dir / "report.pdf", content));
  return write_annotated_video(dir / "loop.mp4", loop, analysis);
}

}  // namespace

std::string findings_text(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                          bool anonymize) {
  std::string text = fmt::format("{}: {} frames", input_name(loop, anonymize), loop.frame_count());
  if (loop.has_timing()) text += fmt::format(", {:.2f} s", *loop.duration_s());
  text += fmt::format("; rest frame {}, peak frame {}\n", analysis.phases.rest_frame,
                      analysis.phases.peak_frame);
  const segmentation::Tear& tear = analysis.tear;
  if (tear.suspected) {
    // A plugin detector's tear, away from the in-tree finder's, has no components.
    const std::string components =
        tear.measured ? fmt::format(" (discontinuity {:.2f}, echo {:.2f}, separation {:.2f})",
                                    tear.components.discontinuity, tear.components.hypoechogenicity,
                                    tear.components.separation)
                      : std::string();
    text += fmt::format("  tear       {} thickness, score {:.2f}{}\n", tear.kind, tear.score,
                        components);
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
  if (anonymize) {
    if (const std::string warning = burned_in_text_warning(loop); !warning.empty())
      text += "  note       " + warning + "\n";
    return without_input_name(text, loop);
  }
  return text;
}

Status write_analysis_folder(const std::filesystem::path& dir, const imaging::CineLoop& loop,
                             const segmentation::AnalysisParams& params,
                             const segmentation::Analysis& analysis, const FolderOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot create the output folder: {}", error.message()),
                  dir.string());
  }
  std::optional<ReportContent> content;
  if (options.report || options.dicom) {
    DYNAMUS_ASSIGN_OR_RETURN(StudyHeader header, read_study_header(loop, options.anonymize));
    content = report_content(loop, params, analysis, std::move(header));
  }
  DYNAMUS_RETURN_IF_ERROR(
      write_png(dir / "rest.png", content ? content->rest_frame
                                          : key_frame(loop, analysis, analysis.phases.rest_frame)));
  DYNAMUS_RETURN_IF_ERROR(
      write_png(dir / "peak.png", content ? content->peak_frame
                                          : key_frame(loop, analysis, analysis.phases.peak_frame)));
  DYNAMUS_RETURN_IF_ERROR(
      write_text_file_atomically(dir / "frames.csv", segmentation::frames_csv(loop, analysis)));
  if (options.report) DYNAMUS_RETURN_IF_ERROR(write_report(dir, loop, analysis, *content));
  if (options.dicom) {
    Result<DicomResultPaths> written =
        write_dicom_results(dir / "dicom", loop, *content, options.anonymize);
    if (!written.ok()) return written.status();
  }
  nlohmann::json result = segmentation::result_json(loop, params, analysis);
  if (options.anonymize) result["input"] = anonymized_input_json(result["input"], loop);
  return write_text_file_atomically(dir / kResultFileName, result.dump(2) + "\n");
}

}  // namespace dynamus::reporting
