// The accuracy table: every scenario on a few seeds, spacings and probe jitters, with the errors
// against the phantom's truth. Usage: segmentation_eval [frames] [draw_prefix]
#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "scenario_run.h"

int main(int argc, char** argv) {
  using namespace dynamus;
  const int frames = argc > 1 ? std::atoi(argv[1]) : 40;
  const std::string draw = argc > 2 ? argv[2] : "";
  const char* only = std::getenv("EVAL_SCENARIO");
  fmt::print(
      "{:16} {:>4} {:>5} {:>4} | {:>6} {:>6} | {:>5} {:>5} {:>5} | {:>4} {:>7} {:>5} | "
      "{:>7} {:>7} | {:>5} {:>6} | {:>5}\n",
      "scenario", "seed", "mm/px", "jit", "thick", "surf", "found", "kind", "score", "thkn",
      "thkn_dx", "ratio", "gap_r", "gap_p", "g_r", "g_p", "ms/f");
  for (phantom::Scenario scenario : phantom::all_scenarios()) {
    if (only && std::string(only) != phantom::to_string(scenario)) continue;
    const char* seeds_env = std::getenv("EVAL_SEEDS");
    const int seeds = seeds_env ? std::atoi(seeds_env) : 3;
    for (std::uint64_t seed = 1; seed <= std::uint64_t(seeds); ++seed) {
      const char* only_seed = std::getenv("EVAL_SEED");
      if (only_seed && std::atoi(only_seed) != int(seed)) continue;
      for (double spacing : {0.08, 0.12}) {
        for (double jitter : {0.0, 0.1}) {
          auto params =
              segmentation::testing::scenario_params(scenario, seed, spacing, jitter, frames);
          const auto run = segmentation::testing::run_scenario(params);
          const auto e = segmentation::testing::errors_of(run);
          auto opt = [](const std::optional<double>& v) {
            return v ? fmt::format("{:.2f}", *v) : std::string("-");
          };
          const auto& truth = run.phantom.truth;
          fmt::print(
              "{:16} {:>4} {:>5.2f} {:>4.1f} | {:>6.3f} {:>6.3f} | {:>5} {:>5} {:>5.2f} | {:>4} "
              "{:>7} {:>5.2f} | {:>7} {:>7} | {:>5} {:>6} | {:>5.2f}\n",
              phantom::to_string(scenario), seed, spacing, jitter, e.thickness_error_mm,
              e.surface_error_mm, run.tear.suspected ? "yes" : "no", run.tear.kind, run.tear.score,
              run.thickness.thickening.present ? "yes" : "no", opt(e.thickening_location_error_mm),
              run.thickness.thickening.ratio, opt(e.gap_rest_error_mm), opt(e.gap_peak_error_mm),
              opt(truth.gap_mm[std::size_t(truth.rest_frame)]),
              opt(truth.gap_mm[std::size_t(truth.peak_frame)]), 1000.0 * run.analysis_s / frames);
          if (!draw.empty()) {
            segmentation::testing::draw_run(
                run, fmt::format("{}_{}_{}_{}_{}", draw, phantom::to_string(scenario), seed,
                                 spacing, jitter));
          }
          if (std::getenv("EVAL_ENDS") && truth.tear_centre_rest_mm) {
            // Signed stump-end errors (measured - truth, mm; + is distal) at rest and at peak. The
            // truth's ends at peak are its rest ends moved by the phantom's exact motion, taken
            // just inside each stump (the field inside the fluid is the surrounding tissue's).
            const int rf = truth.rest_frame, pf = truth.peak_frame;
            const double half = 0.5 * truth.gap_mm[std::size_t(rf)].value_or(0.0);
            const double inset_mm = 0.02;
            const phantom::PointMm c = *truth.tear_centre_rest_mm;
            const std::vector<phantom::PointMm> rest_ends{{c.x_mm - half - inset_mm, c.y_mm},
                                                          {c.x_mm + half + inset_mm, c.y_mm}};
            const auto peak_ends = phantom::true_positions(run.params, rest_ends, rf, pf);
            std::string line = fmt::format("   ends {:16} {} {:.2f} {:.1f} |",
                                           phantom::to_string(scenario), seed, spacing, jitter);
            for (int f : {rf, pf}) {
              const auto& tf = run.tear.frames[std::size_t(f)];
              if (!tf.proximal_end_mm || !tf.distal_end_mm || !peak_ends.ok()) {
                line += "      -      - |";
                continue;
              }
              const double p_truth =
                  f == rf ? rest_ends[0].x_mm + inset_mm : (*peak_ends)[0].x_mm + inset_mm;
              const double d_truth =
                  f == rf ? rest_ends[1].x_mm - inset_mm : (*peak_ends)[1].x_mm - inset_mm;
              line += fmt::format(" {:+.3f} {:+.3f} |", tf.proximal_end_mm->x_mm - p_truth,
                                  tf.distal_end_mm->x_mm - d_truth);
            }
            fmt::print("{}\n", line);
          }
          if (std::getenv("EVAL_BIAS")) {
            fmt::print("   bias upper {:+.3f} lower {:+.3f}\n", e.upper_bias_mm, e.lower_bias_mm);
          }
          std::fflush(stdout);
        }
      }
    }
  }
  return 0;
}
