#include "input_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace dynamus::cli {
namespace {

Result<std::vector<double>> parse_numbers(const std::string& text, const std::string& option) {
  std::vector<double> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::size_t used = 0;
    double value = NAN;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !std::isfinite(value)) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{} expects numbers separated by commas, got '{}'", option, text));
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace

void InputOptions::add_to(CLI::App& command) {
  command.add_option("--spacing", spacing_mm,
                     "pixel spacing in mm, MM or MMX,MMY (overrides the file and the sidecar)");
  command.add_option("--fps", fps, "frame rate (overrides the file and the sidecar)")
      ->check(CLI::PositiveNumber);
  command.add_option("--region", region_px,
                     "ultrasound image in source pixels x0,y0,x1,y1 (inclusive)");
  command.add_flag("--no-sidecar", no_sidecar, "ignore <input>.json");
  command.add_flag("--no-auto-region", no_auto_region,
                   "keep the full frame of videos and images instead of detecting the image area");
  command
      .add_option("--max-memory-mb", max_memory_mb,
                  "refuse inputs whose decoded size exceeds this (default 4096, or "
                  "DYNAMUS_MAX_MEMORY_MB)")
      ->check(CLI::PositiveNumber);
}

Result<imaging::LoadOptions> InputOptions::to_load_options() const {
  imaging::LoadOptions options;
  options.read_sidecar = !no_sidecar;
  options.auto_region = !no_auto_region;
  options.max_memory_bytes =
      max_memory_mb > 0 ? max_memory_mb << 20 : imaging::default_max_memory_bytes();
  if (!spacing_mm.empty()) {
    DYNAMUS_ASSIGN_OR_RETURN(std::vector<double> values, parse_numbers(spacing_mm, "--spacing"));
    if (values.size() == 1) values.push_back(values[0]);
    if (values.size() != 2 || values[0] <= 0.0 || values[1] <= 0.0) {
      return Status(StatusCode::kInvalidArgument,
                    "--spacing expects one or two positive numbers (mm per pixel)");
    }
    options.overrides.spacing_mm = std::array<double, 2>{values[0], values[1]};
  }
  if (fps > 0.0) options.overrides.fps = fps;
  if (!region_px.empty()) {
    DYNAMUS_ASSIGN_OR_RETURN(std::vector<double> values, parse_numbers(region_px, "--region"));
    const bool integers = std::all_of(values.begin(), values.end(),
                                      [](double v) { return v == std::floor(v) && v >= 0.0; });
    if (values.size() != 4 || !integers || values[2] < values[0] || values[3] < values[1]) {
      return Status(StatusCode::kInvalidArgument,
                    "--region expects x0,y0,x1,y1: non-negative integers with x0<=x1, y0<=y1");
    }
    options.overrides.region_px =
        imaging::RegionPx{int(values[0]), int(values[1]), int(values[2]), int(values[3])};
  }
  return options;
}

std::vector<std::string> InputOptions::to_arguments() const {
  std::vector<std::string> arguments;
  if (!spacing_mm.empty()) arguments.insert(arguments.end(), {"--spacing", spacing_mm});
  if (fps > 0.0) arguments.insert(arguments.end(), {"--fps", fmt::format("{}", fps)});
  if (!region_px.empty()) arguments.insert(arguments.end(), {"--region", region_px});
  if (no_sidecar) arguments.emplace_back("--no-sidecar");
  if (no_auto_region) arguments.emplace_back("--no-auto-region");
  if (max_memory_mb > 0)
    arguments.insert(arguments.end(), {"--max-memory-mb", std::to_string(max_memory_mb)});
  return arguments;
}

}  // namespace dynamus::cli
