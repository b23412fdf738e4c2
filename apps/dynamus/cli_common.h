// What every subcommand shares: the input options (overrides, memory ceiling) and the mapping of
// status codes to the exit codes documented in DESIGN.md and docs/cli.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "dynamus/core/exit_code.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/load.h"

namespace dynamus::cli {

// Options given as text on the command line, turned into LoadOptions after parsing.
struct InputOptions {
  std::string spacing_mm;  // "MM" or "MMX,MMY"
  double fps = 0.0;
  std::string region_px;  // "x0,y0,x1,y1"
  bool no_sidecar = false;
  bool no_auto_region = false;
  std::uint64_t max_memory_mb = 0;

  void add_to(CLI::App& command);
  // kInvalidArgument with a message naming the option when a value is malformed.
  Result<imaging::LoadOptions> to_load_options() const;
  // The same options as command-line arguments, for a command that passes them on (the batch
  // hands them to each `analyze` worker).
  std::vector<std::string> to_arguments() const;
};

// Prints "dynamus: error: <context>: <message>" to stderr.
void report_error(const Status& status);

// Subcommands, one file each.
void add_info_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);
void add_track_command(CLI::App& app, int& exit_code);
void add_analyze_command(CLI::App& app, int& exit_code);
void add_evaluate_command(CLI::App& app, int& exit_code);
void add_batch_command(CLI::App& app, int& exit_code);
void add_merge_command(CLI::App& app, int& exit_code);

}  // namespace dynamus::cli
