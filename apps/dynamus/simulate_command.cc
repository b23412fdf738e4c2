// dynamus simulate --scenario S [options] -o PREFIX: a phantom loop with exact ground truth.
// Writes PREFIX.dcm and PREFIX.truth.json; --video adds PREFIX.mp4, --screen PREFIX.screen.mp4
// (each video with a sidecar carrying the spacing).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/core/sha256.h"
#include "dynamus/imaging/write.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/phantom/screen_capture.h"

namespace dynamus::cli {
namespace {

struct SimulateArgs {
  std::string scenario = "retracting-tear";
  std::string size = "640x480";
  std::string prefix;
  bool video = false;
  bool screen = false;
  phantom::PhantomParams params;
};

Status write_video_with_sidecar(const imaging::CineLoop& loop, const std::filesystem::path& path,
                                double spacing_mm) {
  DYNAMUS_RETURN_IF_ERROR(imaging::write_video(loop, path));
  return write_text_file_atomically(path.string() + ".json",
                                    nlohmann::json{{"spacing_mm", spacing_mm}}.dump() + "\n");
}

Status run(SimulateArgs& args) {
  DYNAMUS_ASSIGN_OR_RETURN(args.params.scenario, phantom::parse_scenario(args.scenario));
  if (std::sscanf(args.size.c_str(), "%dx%d", &args.params.width_px, &args.params.height_px) != 2) {
    return Status(StatusCode::kInvalidArgument, "--size expects WIDTHxHEIGHT, e.g. 640x480");
  }
  DYNAMUS_ASSIGN_OR_RETURN(phantom::PhantomLoop phantom, phantom::simulate(args.params));

  const phantom::PhantomParams& p = args.params;
  const std::string name(phantom::to_string(p.scenario));
  imaging::DicomCineIdentity identity;
  identity.patient_name = "DYNAMUS^PHANTOM";
  identity.patient_id = fmt::format("PHANTOM-{}-{}", name, p.seed);
  identity.uid_seed =
      fmt::format("{}/{}/{}x{}/{}/{}/{}/{}/{}/{}", name, p.seed, p.width_px, p.height_px, p.frames,
                  p.fps, p.spacing_mm, p.frequency_mhz, p.jitter_mm, p.cycles);
  identity.study_description = "dynamus phantom";
  identity.series_description = fmt::format("{} (seed {})", name, p.seed);

  const std::string prefix = args.prefix;
  DYNAMUS_RETURN_IF_ERROR(imaging::write_dicom(phantom.loop, identity, prefix + ".dcm"));
  DYNAMUS_RETURN_IF_ERROR(write_text_file_atomically(
      prefix + ".truth.json", phantom::to_json(phantom.truth).dump(1) + "\n"));
  std::cout << fmt::format("{}.dcm: {} frames of {}x{} px at {} mm, {} fps ({})\n", prefix,
                           p.frames, p.width_px, p.height_px, p.spacing_mm, p.fps, name);
  std::cout << fmt::format("{}.truth.json: ground truth", prefix);
  const auto& gap = phantom.truth.gap_mm;
  if (gap[std::size_t(phantom.truth.rest_frame)]) {
    std::cout << fmt::format(" (gap {:.2f} mm at rest, {:.2f} mm at peak)",
                             *gap[std::size_t(phantom.truth.rest_frame)],
                             *gap[std::size_t(phantom.truth.peak_frame)]);
  }
  std::cout << '\n';
  if (args.video) {
    DYNAMUS_RETURN_IF_ERROR(write_video_with_sidecar(phantom.loop, prefix + ".mp4", p.spacing_mm));
    std::cout << prefix << ".mp4 (+ .json sidecar)\n";
  }
  if (args.screen) {
    DYNAMUS_ASSIGN_OR_RETURN(phantom::ScreenCapture screen, phantom::screen_capture(phantom.loop));
    DYNAMUS_RETURN_IF_ERROR(
        write_video_with_sidecar(screen.loop, prefix + ".screen.mp4", p.spacing_mm));
    const imaging::RegionPx& r = screen.image_px;
    std::cout << fmt::format("{}.screen.mp4 (+ .json sidecar): image at [{},{},{},{}]\n", prefix,
                             r.x0, r.y0, r.x1, r.y1);
  }
  return ok_status();
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  phantom::PhantomParams& p = args->params;
  CLI::App* command = app.add_subcommand(
      "simulate", "phantom cine loop with exact ground truth (PREFIX.dcm, PREFIX.truth.json)");
  command
      ->add_option("--scenario", args->scenario,
                   "healthy, tendinopathy, partial-tear, full-tear, retracting-tear")
      ->capture_default_str();
  command->add_option("--seed", p.seed, "random seed of the anatomy and speckle")
      ->capture_default_str();
  command->add_option("--frames", p.frames, "number of frames")->capture_default_str();
  command->add_option("--fps", p.fps, "frame rate")->capture_default_str();
  command->add_option("--spacing", p.spacing_mm, "pixel spacing in mm")->capture_default_str();
  command->add_option("--size", args->size, "image size WIDTHxHEIGHT in pixels")
      ->capture_default_str();
  command->add_option("--freq", p.frequency_mhz, "centre frequency in MHz")->capture_default_str();
  command->add_option("--jitter", p.jitter_mm, "RMS probe jitter in mm")->capture_default_str();
  command->add_option("--cycles", p.cycles, "contraction cycles")->capture_default_str();
  command->add_flag("--video", args->video, "also write PREFIX.mp4");
  command->add_flag("--screen", args->screen,
                    "also write PREFIX.screen.mp4, the loop inside scanner UI chrome");
  command->add_option("-o,--output", args->prefix, "output prefix")->required();
  command->callback([args, &exit_code] {
    const Status status = run(*args);
    if (!status.ok()) report_error(status);
    exit_code = exit_code_for(status.code());
  });
}

}  // namespace dynamus::cli
