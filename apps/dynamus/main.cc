// dynamus: the command-line shell over the libraries. One subcommand per file.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli_common.h"
#include "dynamus/core/version.h"
#include "dynamus/plugin_host/plugin_host.h"

int main(int argc, char** argv) {
  CLI::App app("dynamus: dynamic musculoskeletal ultrasound toolkit", "dynamus");
  app.set_version_flag("--version", std::string("dynamus ") + dynamus::kVersion);
  app.require_subcommand(1);
  int exit_code = dynamus::kExitOk;
  // Before the subcommands, whose help lists the trackers and detectors by name.
  dynamus::plugin_host::register_plugins();
  dynamus::cli::add_info_command(app, exit_code);
  dynamus::cli::add_simulate_command(app, exit_code);
  dynamus::cli::add_track_command(app, exit_code);
  dynamus::cli::add_analyze_command(app, exit_code);
  dynamus::cli::add_evaluate_command(app, exit_code);
  dynamus::cli::add_batch_command(app, exit_code);
  dynamus::cli::add_merge_command(app, exit_code);
  dynamus::cli::add_plugins_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? dynamus::kExitOk : dynamus::kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "dynamus: internal error: " << error.what() << '\n';
    return dynamus::kExitInternal;
  }
  return exit_code;
}
