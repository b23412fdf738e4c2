// The input options every program that loads a loop offers (`dynamus` subcommands and
// `dynamus-view`): calibration and timing overrides, the region, the sidecar, the memory ceiling.
// Parsed by CLI11 as text, turned into imaging::LoadOptions after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace dynamus::cli
