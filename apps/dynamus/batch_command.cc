// dynamus batch INPUT... -o DIR [--jobs N] [--shard i/N] [analyze options]: many studies, each
// analysed by a `dynamus analyze` worker process of this same executable, into DIR/studies/<key>/,
// with a resumable ledger (DIR/ledger.sqlite) and a ranked summary (DIR/summary.csv, .json).
// With --pacs URL the studies of a DICOMweb PACS are inputs too, and --push stores results back.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "analysis_options.h"
#include "cli_common.h"
#include "dynamus/batch/batch.h"

namespace dynamus::cli {
namespace {

struct BatchArgs {
  std::vector<std::string> inputs;
  std::string output_dir;
  int jobs = 0;
  std::string shard;
  double timeout_s = 0.0;
  bool retry_failed = false;
  std::string pacs_url;
  bool push = false;
  AnalysisOptions analysis;
  bool anonymize = false;
  std::vector<std::string> analyze_args;
  InputOptions input_options;
};

// The worker runs this very program, whatever it was started as.
std::filesystem::path own_executable() {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path("/proc/self/exe") : path;
}

Result<batch::BatchOptions> batch_options(const BatchArgs& args) {
  if (args.inputs.empty() && args.pacs_url.empty())
    return Status(StatusCode::kInvalidArgument, "give INPUT... or --pacs URL");
  if (args.push && args.pacs_url.empty())
    return Status(StatusCode::kInvalidArgument, "--push needs --pacs URL");
  batch::BatchOptions options;
  options.pacs_url = args.pacs_url;
  options.push = args.push;
  options.inputs.assign(args.inputs.begin(), args.inputs.end());
  options.output_dir = args.output_dir;
  options.jobs = args.jobs > 0 ? args.jobs : int(std::max(1U, std::thread::hardware_concurrency()));
  options.timeout_s = args.timeout_s;
  options.retry_failed = args.retry_failed;
  if (!args.shard.empty()) {
    DYNAMUS_ASSIGN_OR_RETURN(options.shard, batch::parse_shard(args.shard));
  } else {
    DYNAMUS_ASSIGN_OR_RETURN(options.shard, batch::shard_from_slurm_environment());
  }
  // Malformed input options are a usage error now, not one failure per study later.
  DYNAMUS_RETURN_IF_ERROR(args.input_options.to_load_options().status());
  DYNAMUS_RETURN_IF_ERROR(imaging::create_tracker(args.analysis.params.tracker).status());
  DYNAMUS_RETURN_IF_ERROR(segmentation::create_detector(args.analysis.params.detector).status());
  // OpenCV spreads each analysis over every core; with several workers that oversubscribes the
  // machine, so each worker gets its share (unless the user chose).
  const int cores = int(std::max(1U, std::thread::hardware_concurrency()));
  if (std::getenv("OPENCV_FOR_THREADS_NUM") == nullptr) {
    options.worker.environment.push_back(
        fmt::format("OPENCV_FOR_THREADS_NUM={}", std::max(1, cores / options.jobs)));
  }
  options.worker.executable = own_executable();
  options.worker.leading_args = {"analyze"};
  std::vector<std::string>& extra = options.worker.extra_args;
  const std::vector<std::string> analysis_arguments = args.analysis.to_arguments();
  extra.insert(extra.end(), analysis_arguments.begin(), analysis_arguments.end());
  const std::vector<std::string> input_arguments = args.input_options.to_arguments();
  extra.insert(extra.end(), input_arguments.begin(), input_arguments.end());
  extra.insert(extra.end(), args.analyze_args.begin(), args.analyze_args.end());
  // The SC and SR that --push stores come from analyze --dicom.
  if (args.push && std::find(extra.begin(), extra.end(), "--dicom") == extra.end())
    extra.push_back("--dicom");
  // Anonymised workers (also through --analyze-arg) make an anonymised batch, and vice versa.
  options.anonymize = std::find(extra.begin(), extra.end(), "--anonymize") != extra.end();
  if (args.anonymize && !options.anonymize) extra.push_back("--anonymize");
  options.anonymize = options.anonymize || args.anonymize;
  options.progress_bar = ::isatty(STDERR_FILENO) != 0;
  options.log = &std::cerr;
  return options;
}

int run(const BatchArgs& args) {
  Result<batch::BatchOptions> options = batch_options(args);
  if (!options.ok()) {
    report_error(options.status());
    return exit_code_for(options.status().code());
  }
  const Result<batch::BatchResult> result = batch::run_batch(*options);
  if (!result.ok()) {
    report_error(result.status());
    return exit_code_for(result.status().code());
  }
  const batch::RunRecord& run = result->run;
  std::cerr << fmt::format(
      "dynamus batch: {} inputs{}: {} done, {} failed, {} skipped (already done); summary in "
      "{}/summary.csv{}\n",
      run.inputs, run.shard.empty() ? "" : " in shard " + run.shard, run.done, run.failed,
      run.skipped, args.output_dir,
      result->worker_peak_rss_kib > 0
          ? fmt::format("; workers' peak RSS {} MiB", result->worker_peak_rss_kib / 1024)
          : "");
  if (args.push) {
    std::cerr << fmt::format(
        "dynamus batch: results of {} studies pushed to {}{}\n", result->pushed, args.pacs_url,
        result->push_failed > 0
            ? fmt::format(", {} failed (run again to retry)", result->push_failed)
            : "");
  }
  if (result->stop_signal != 0) {
    std::cerr << fmt::format("dynamus batch: interrupted by {}; run it again to resume\n",
                             ::strsignal(result->stop_signal));
    return 128 + result->stop_signal;
  }
  return result->exit_code;
}

}  // namespace

void add_batch_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BatchArgs>();
  CLI::App* command = app.add_subcommand(
      "batch", "score many studies into one folder: resumable, ranked summary, SQLite ledger");
  command->add_option("INPUT", args->inputs,
                      "files, folders (recursive; DICOMDIR honoured), DICOMDIR files or manifests "
                      "(.csv with a `path` header, or with --pacs a `study_uid` column)");
  command->add_option("-o,--output", args->output_dir, "batch folder (created when missing)")
      ->required();
  command->add_option("--jobs", args->jobs, "workers at a time (default: number of cores)")
      ->check(CLI::Range(1, 1024));
  command->add_option("--shard", args->shard,
                      "i/N, 0-based: only the studies of shard i of N (default from "
                      "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set)");
  command
      ->add_option("--timeout", args->timeout_s,
                   "seconds a study may take before its worker is "
                   "killed and the study failed (default: none)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--retry-failed", args->retry_failed,
                    "also re-run studies that failed before with the same input and options");
  command->add_option("--pacs", args->pacs_url,
                      "DICOMweb root of a PACS (e.g. http://host:8042/dicom-web): its studies "
                      "are retrieved into DIR/pacs/ and analysed (all, or a manifest's study_uid "
                      "or series_uid column)");
  command->add_flag("--push", args->push,
                    "with --pacs: analyze with --dicom and store each study's SC and SR back "
                    "(STOW-RS)");
  args->analysis.add_to(*command);  // passed to each analyze worker
  command->add_flag("--anonymize", args->anonymize,
                    "de-identified: workers run analyze --anonymize, and the ledger, summary and "
                    "log name inputs by a pseudonym of their path");
  // One value per occurrence, so that `--analyze-arg=X INPUT` leaves INPUT a positional.
  command
      ->add_option("--analyze-arg", args->analyze_args,
                   "one more argument for each `dynamus analyze` worker, repeatable; write it "
                   "as --analyze-arg=--option")
      ->allow_extra_args(false)
      ->take_all();
  args->input_options.add_to(*command);
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dynamus::cli
