#include "analysis_options.h"

#include <fmt/format.h>

namespace dynamus::cli {

std::string tracker_help() {
  return fmt::format("motion tracker: {} (plugins: `dynamus plugins list`)",
                     fmt::join(imaging::tracker_names(), ", "));
}

void AnalysisOptions::add_to(CLI::App& command) {
  command.add_option("--tracker", params.tracker, tracker_help())->capture_default_str();
  command
      .add_option("--detector", params.detector,
                  fmt::format("tear detector: {} (plugins: `dynamus plugins list`)",
                              fmt::join(segmentation::detector_names(), ", ")))
      ->capture_default_str();
  command.add_option("--step", params.step_px, "motion grid step in pixels")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
}

std::vector<std::string> AnalysisOptions::to_arguments() const {
  const segmentation::AnalysisParams defaults;
  std::vector<std::string> arguments;
  if (params.tracker != defaults.tracker)
    arguments.insert(arguments.end(), {"--tracker", params.tracker});
  if (params.detector != defaults.detector) {
    arguments.insert(arguments.end(), {"--detector", params.detector});
  }
  if (params.step_px != defaults.step_px) {
    arguments.insert(arguments.end(), {"--step", std::to_string(params.step_px)});
  }
  return arguments;
}

}  // namespace dynamus::cli
