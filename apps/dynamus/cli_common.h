// What every subcommand shares: the input options (input_options.h: overrides, memory ceiling)
// and the mapping of status codes to the exit codes documented in DESIGN.md and docs/cli.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "dynamus/core/exit_code.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/load.h"
#include "input_options.h"

namespace dynamus::cli {

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
void add_plugins_command(CLI::App& app, int& exit_code);

}  // namespace dynamus::cli
