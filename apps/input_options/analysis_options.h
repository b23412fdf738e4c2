// The analysis options every program that analyses a loop offers (`dynamus analyze`, `batch`,
// `dynamus-view`): the tracker, the detector (built in or from a plugin) and the motion grid.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "dynamus/segmentation/analysis.h"

namespace dynamus::cli {

struct AnalysisOptions {
  segmentation::AnalysisParams params;

  // --tracker, --detector, --step. Their help lists the names known when called: register the
  // plugins first.
  void add_to(CLI::App& command);
  // The options that differ from the defaults, as arguments (the batch passes them to each
  // `analyze` worker).
  std::vector<std::string> to_arguments() const;
};

// The help of a --tracker option: the names, built in and from plugins.
std::string tracker_help();

}  // namespace dynamus::cli
