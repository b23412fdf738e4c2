// One study analysed in a child process, so that a crash, a hang or running out of memory in one
// study ends that process only: the batch records how it ended and goes on.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

// The program a worker runs: `executable leading_args... INPUT -o OUT_DIR extra_args...`.
// For the CLI: /proc/self/exe, {"analyze"}, and the analyze options the user passed through.
struct WorkerCommand {
  std::filesystem::path executable;
  std::vector<std::string> leading_args;
  std::vector<std::string> extra_args;
  // "NAME=VALUE" entries set in the worker's environment on top of the batch's own.
  std::vector<std::string> environment;
};

// The child's stdout and stderr land in these files of its output folder.
inline constexpr const char* kFindingsFileName = "findings.txt";
inline constexpr const char* kWorkerLogFileName = "analyze.log";

// Starts the worker on `input`, writing into `out_dir` (created). The child dies with the batch
// (PR_SET_PDEATHSIG), so a killed batch leaves no orphan writing into a folder a resumed run is
// about to clean. kInternal when the folder or the process cannot be created.
Result<pid_t> start_worker(const WorkerCommand& command, const std::filesystem::path& input,
                           const std::filesystem::path& out_dir);

// How a worker ended, from its wait status: ok for exit 0; otherwise the exit code the study
// failed with (the child's own, or kExitInternal for a signal or a timeout) and a one-line
// message: the last line of the child's stderr (without a leading "<input>: ", since the ledger
// names the input), or the signal's name.
struct WorkerEnd {
  bool ok = false;
  int error_code = 0;
  std::string message;
};
WorkerEnd worker_end(int wait_status, bool timed_out, double timeout_s,
                     const std::filesystem::path& input, const std::filesystem::path& out_dir);

}  // namespace dynamus::batch
