// dynamus info INPUT... [--json]: metadata and calibration of each input. One failing input does
// not stop the others; the exit code is then 1 (or the input's own code when all failed).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli_common.h"
#include "dynamus/imaging/loop_json.h"

namespace dynamus::cli {
namespace {

struct InfoArgs {
  std::vector<std::string> inputs;
  bool json = false;
  InputOptions input_options;
};

void print_human(const imaging::CineLoop& loop) {
  const imaging::SourceInfo& source = loop.source();
  const imaging::RegionPx& r = loop.region_px();
  std::cout << source.path << '\n';
  std::string origin = source.codec;
  for (const std::string& detail : {source.manufacturer, source.photometric}) {
    if (!detail.empty()) origin += ", " + detail;
  }
  std::cout << fmt::format("  format       {}{}\n", source.format,
                           origin.empty() ? "" : " (" + origin + ")");
  std::cout << fmt::format(
      "  frames       {} of {}x{} px, region [{},{},{},{}] ({}) of the {}x{} "
      "source\n",
      loop.frame_count(), loop.width_px(), loop.height_px(), r.x0, r.y0, r.x1, r.y1,
      to_string(loop.region_source()), source.width_px, source.height_px);
  const imaging::Calibration& cal = loop.calibration();
  if (cal.spacing_mm) {
    std::cout << fmt::format(
        "  spacing      {:.4f} x {:.4f} mm/px from {}: {}; image {:.1f} x {:.1f} mm\n",
        (*cal.spacing_mm)[0], (*cal.spacing_mm)[1], calibration_label(cal), cal.detail,
        (*cal.spacing_mm)[0] * loop.width_px(), (*cal.spacing_mm)[1] * loop.height_px());
  } else {
    std::cout << "  spacing      none (pixels only)\n";
  }
  if (loop.fps()) {
    std::cout << fmt::format("  timing       {:.2f} fps, {:.2f} s ({})\n", *loop.fps(),
                             *loop.duration_s(), to_string(loop.timing().source));
  } else {
    std::cout << fmt::format("  timing       {}\n",
                             loop.frame_count() > 1 ? "unknown" : "still image");
  }
  for (const std::string& warning : loop.warnings()) {
    std::cout << "  warning      " << warning << '\n';
  }
}

int run_info(const InfoArgs& args) {
  Result<imaging::LoadOptions> options = args.input_options.to_load_options();
  if (!options.ok()) {
    report_error(options.status());
    return kExitUsage;
  }
  nlohmann::json array = nlohmann::json::array();
  int failures = 0;
  int first_failure_code = kExitOk;
  for (std::size_t i = 0; i < args.inputs.size(); ++i) {
    const std::string& input = args.inputs[i];
    Result<imaging::CineLoop> loop = imaging::load(input, *options);
    if (!loop.ok()) {
      report_error(loop.status());
      const int code = exit_code_for(loop.status().code());
      if (failures++ == 0) first_failure_code = code;
      if (args.json) {
        array.push_back(
            {{"path", input}, {"error", {{"code", code}, {"message", loop.status().message()}}}});
      }
      continue;
    }
    if (args.json) {
      array.push_back(imaging::input_json(*loop));
    } else {
      if (i > 0) std::cout << '\n';
      print_human(*loop);
    }
  }
  if (args.json) std::cout << array.dump(2) << '\n';
  if (failures == 0) return kExitOk;
  return failures == int(args.inputs.size()) ? first_failure_code : kExitSomeInputsFailed;
}

}  // namespace

void add_info_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* command = app.add_subcommand("info", "metadata and calibration of each input");
  command
      ->add_option("INPUT", args->inputs,
                   "DICOM files, videos, images, image folders or PLUS sequences")
      ->required();
  command->add_flag("--json", args->json, "print a JSON array, one object per input");
  args->input_options.add_to(*command);
  command->callback([args, &exit_code] { exit_code = run_info(*args); });
}

}  // namespace dynamus::cli
