// dynamus analyze INPUT -o DIR [--tracker NAME] [--detector NAME] [--step PX] [--report] [--dicom]
// [--anonymize]: the whole analysis of a loop. Writes DIR/rest.png and DIR/peak.png (annotated key
// frames), DIR/frames.csv (per-frame measurements), with --report DIR/report.html, DIR/report.pdf
// and DIR/loop.mp4, with --dicom DIR/dicom/sc.dcm and DIR/dicom/sr.dcm and, last, DIR/result.json
// (dynamus.analysis/1): each file atomically, so a result.json present means a complete analysis.
// The findings go to stdout.
#include <iostream>

#include "analysis_options.h"
#include "cli_common.h"
#include "dynamus/reporting/analysis_folder.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::cli {
namespace {

struct AnalyzeArgs {
  std::string input;
  std::string output_dir;
  AnalysisOptions analysis;
  reporting::FolderOptions folder;
  InputOptions input_options;
};

Status run(const AnalyzeArgs& args) {
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::LoadOptions options,
                           args.input_options.to_load_options());
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::CineLoop loop, imaging::load(args.input, options));
  Result<segmentation::Analysis> analysis = segmentation::analyze(loop, args.analysis.params);
  if (!analysis.ok()) return analysis.status().with_context(args.input);
  DYNAMUS_RETURN_IF_ERROR(reporting::write_analysis_folder(
      args.output_dir, loop, args.analysis.params, *analysis, args.folder));
  std::cout << reporting::findings_text(loop, *analysis, args.folder.anonymize);
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
  args->analysis.add_to(*command);
  command->add_flag("--report", args->folder.report,
                    "also DIR/report.html, DIR/report.pdf and DIR/loop.mp4 (annotated loop)");
  command->add_flag("--dicom", args->folder.dicom,
                    "also DIR/dicom/sc.dcm (annotated key frames) and DIR/dicom/sr.dcm (TID 1500)");
  command->add_flag("--anonymize", args->folder.anonymize,
                    "de-identified outputs: the input and patient as a pseudonym, no patient IDs, "
                    "dates or paths, DICOM results in a pseudonymous study");
  args->input_options.add_to(*command);
  command->callback([args, &exit_code] {
    const Status status = run(*args);
    if (!status.ok()) report_error(status);
    exit_code = exit_code_for(status.code());
  });
}

}  // namespace dynamus::cli
