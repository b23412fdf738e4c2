// dynamus track INPUT --points P.csv [-o OUT.csv] [--tracker NAME]
//   P.csv: x_mm,y_mm per line (a header line is allowed), positions in the first frame;
//   OUT.csv: point,frame,t_s,x_mm,y_mm,quality
// dynamus track INPUT --phases [-o OUT.csv]
//   OUT.csv: frame,t_s,level,probe_dx_mm,probe_dy_mm (the probe's own translation since frame 0;
//   empty without a calibration)
// Without -o the CSV goes to stdout. A summary line goes to stderr.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis_options.h"
#include "cli_common.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"

namespace dynamus::cli {
namespace {

struct TrackArgs {
  std::string input;
  std::string points_csv;
  bool phases = false;
  std::string output;
  std::string tracker = "default";
  int step_px = imaging::TrackOptions{}.step_px;
  InputOptions input_options;
};

Result<std::vector<std::array<double, 2>>> read_points(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(StatusCode::kNotFound, "cannot open the points file", path);
  std::vector<std::array<double, 2>> points;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (number == 1 && line.find_first_of("0123456789") != 0 &&
        line.find_first_of("0123456789") != 1) {
      continue;  // a header such as "x_mm,y_mm"
    }
    std::array<double, 2> point{};
    char comma = 0;
    std::istringstream fields(line);
    if (!(fields >> point[0] >> comma >> point[1]) || comma != ',') {
      return Status(StatusCode::kInvalidData,
                    fmt::format("line {}: expected x_mm,y_mm, got '{}'", number, line), path);
    }
    points.push_back(point);
  }
  if (points.empty()) return Status(StatusCode::kInvalidData, "no points in the file", path);
  return points;
}

std::string time_text(const imaging::CineLoop& loop, int frame) {
  return loop.has_timing() ? fmt::format("{:.6f}", loop.timing().timestamps_s[std::size_t(frame)])
                           : std::string();
}

Status emit(const std::string& output, const std::string& csv) {
  if (output.empty()) {
    std::cout << csv;
    return ok_status();
  }
  return write_text_file_atomically(output, csv);
}

Status run(const TrackArgs& args) {
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::LoadOptions options,
                           args.input_options.to_load_options());
  std::vector<std::array<double, 2>> points;
  if (!args.phases) {
    DYNAMUS_ASSIGN_OR_RETURN(points, read_points(args.points_csv));
  }
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::CineLoop loop, imaging::load(args.input, options));
  DYNAMUS_ASSIGN_OR_RETURN(const std::unique_ptr<imaging::Tracker> tracker,
                           imaging::create_tracker(args.tracker));
  if (loop.frame_count() < 2) {
    return Status(StatusCode::kInvalidData, "tracking needs at least two frames", args.input);
  }
  DYNAMUS_ASSIGN_OR_RETURN(const imaging::Motion motion,
                           imaging::track(loop, *tracker, {args.step_px}));
  std::cerr << fmt::format(
      "dynamus: tracked {} frame pairs of {} with '{}': {:.0f} % of the grid "
      "trackable, median forward-backward error {:.3f} px\n",
      motion.pairs.size(), args.input, motion.tracker, 100.0 * motion.trackable_share,
      motion.forward_backward_error_px);
  std::string csv;
  if (args.phases) {
    DYNAMUS_ASSIGN_OR_RETURN(const imaging::ContractionPhases phases,
                             imaging::contraction_phases(motion));
    csv = "frame,t_s,level,probe_dx_mm,probe_dy_mm\n";
    const auto& spacing_mm = loop.calibration().spacing_mm;
    for (int f = 0; f < loop.frame_count(); ++f) {
      const auto& shift_px = phases.probe_shift_px[std::size_t(f)];
      const std::string probe = spacing_mm
                                    ? fmt::format("{:.4f},{:.4f}", shift_px[0] * (*spacing_mm)[0],
                                                  shift_px[1] * (*spacing_mm)[1])
                                    : std::string(",");
      csv += fmt::format("{},{},{:.4f},{}\n", f, time_text(loop, f), phases.level[std::size_t(f)],
                         probe);
    }
    std::cerr << fmt::format("dynamus: rest frame {}, peak frame {}, {} cycle(s)\n",
                             phases.rest_frame, phases.peak_frame, phases.cycle_starts.size());
  } else {
    Result<imaging::Trajectories> tracked = imaging::trajectories(loop, motion, points);
    if (!tracked.ok()) return tracked.status().with_context(args.input);
    csv = "point,frame,t_s,x_mm,y_mm,quality\n";
    for (std::size_t p = 0; p < tracked->size(); ++p) {
      for (int f = 0; f < loop.frame_count(); ++f) {
        const imaging::TrackedPoint& q = (*tracked)[p][std::size_t(f)];
        csv += fmt::format("{},{},{},{:.4f},{:.4f},{:.3f}\n", p, f, time_text(loop, f), q.x_mm,
                           q.y_mm, q.quality);
      }
    }
  }
  return emit(args.output, csv);
}

}  // namespace

void add_track_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TrackArgs>();
  CLI::App* command = app.add_subcommand(
      "track", "trajectories of points (--points) or the contraction level per frame (--phases)");
  command->add_option("INPUT", args->input, "cine loop")->required();
  CLI::Option* points = command->add_option("--points", args->points_csv,
                                            "CSV of x_mm,y_mm positions in the first frame");
  CLI::Option* phases = command->add_flag("--phases", args->phases,
                                          "contraction level per frame instead of trajectories");
  points->excludes(phases);
  command->add_option("-o,--output", args->output, "CSV file (default: stdout)");
  command->add_option("--tracker", args->tracker, tracker_help())->capture_default_str();
  command->add_option("--step", args->step_px, "motion grid step in pixels")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
  args->input_options.add_to(*command);
  command->callback([args, &exit_code] {
    if (args->points_csv.empty() && !args->phases) {
      report_error(Status(StatusCode::kInvalidArgument, "give --points P.csv or --phases"));
      exit_code = kExitUsage;
      return;
    }
    const Status status = run(*args);
    if (!status.ok()) report_error(status);
    exit_code = exit_code_for(status.code());
  });
}

}  // namespace dynamus::cli
