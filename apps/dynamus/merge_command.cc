// dynamus merge BATCH_DIR... -o DIR: the output folders of shard runs combined into one batch
// folder: ledger rows, study folders and one ranked summary.
#include <fmt/format.h>

#include <iostream>

#include "cli_common.h"
#include "dynamus/batch/merge.h"

namespace dynamus::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> sources;
  std::string output_dir;
};

int run(const MergeArgs& args) {
  const Result<batch::MergeResult> result = batch::merge_batches(
      std::vector<std::filesystem::path>(args.sources.begin(), args.sources.end()),
      args.output_dir);
  if (!result.ok()) {
    report_error(result.status());
    return exit_code_for(result.status().code());
  }
  std::cerr << fmt::format(
      "dynamus merge: {} studies: {} done, {} failed, {} not finished; summary in "
      "{}/summary.csv\n",
      result->studies, result->done, result->failed, result->other, args.output_dir);
  return result->failed + result->other == 0 ? kExitOk : kExitSomeInputsFailed;
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* command =
      app.add_subcommand("merge", "combine batch folders (e.g. shards) into one, with one summary");
  command->add_option("BATCH_DIR", args->sources, "output folders of dynamus batch")->required();
  command->add_option("-o,--output", args->output_dir, "merged batch folder (created when missing)")
      ->required();
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dynamus::cli
