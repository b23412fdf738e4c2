// The muscle accuracy table: every scenario on a few seeds, spacings and probe jitters, with the
// tendon hint from trace_tendon, against the phantom's truth. Per row: the worst and mean
// pennation error over all frames, the error at frame 0 (the measured angle) and at the peak
// (after it was carried by the motion), and the thickness error (max and mean signed bias).
// Usage: muscle_eval [frames] [draw_prefix]; EVAL_SCENARIO=name, EVAL_SEED=n to run fewer.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "dynamus/segmentation/muscle.h"
#include "muscle_draw.h"
#include "scenario_run.h"

int main(int argc, char** argv) {
  using namespace dynamus;
  const int frames = argc > 1 ? std::atoi(argv[1]) : 40;
  const std::string draw = argc > 2 ? argv[2] : "";
  const char* only = std::getenv("EVAL_SCENARIO");
  fmt::print("{:16} {:>4} {:>5} {:>4} | {:>6} {:>6} {:>6} {:>6} | {:>6} {:>7} | {:>6}\n",
             "scenario", "seed", "mm/px", "jit", "pen_mx", "pen_mn", "pen_0", "pen_pk", "thk_mx",
             "thk_bias", "ms");
  double worst_pennation = 0.0, worst_thickness = 0.0;
  for (phantom::Scenario scenario : phantom::all_scenarios()) {
    if (only && std::string(only) != phantom::to_string(scenario)) continue;
    for (std::uint64_t seed : {1, 2, 3}) {
      for (double spacing : {0.08, 0.12}) {
        for (double jitter : {0.0, 0.1}) {
          if (const char* s = std::getenv("EVAL_SEED"); s && std::atoi(s) != int(seed)) continue;
          auto params =
              segmentation::testing::scenario_params(scenario, seed, spacing, jitter, frames);
          const auto run = segmentation::testing::run_scenario(params);
          const auto start = std::chrono::steady_clock::now();
          auto trace = segmentation::trace_muscle(run.phantom.loop, run.motion, run.tendon);
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          const auto& truth = run.phantom.truth;
          if (!trace.ok() || !trace->found) {
            fmt::print("{:16} {:>4} {:>5.2f} {:>4.1f} | not found: {}\n",
                       phantom::to_string(scenario), seed, spacing, jitter,
                       trace.ok() ? trace->not_found_reason : trace.status().to_string());
            continue;
          }
          double pen_max = 0.0, pen_mean = 0.0, thk_max = 0.0, thk_bias = 0.0;
          int missing = 0;
          for (int f = 0; f < frames; ++f) {
            const auto& p = trace->pennation_deg[std::size_t(f)];
            const auto& t = trace->thickness_mm[std::size_t(f)];
            if (!p || !t) {
              ++missing;
              continue;
            }
            const double pe = std::abs(*p - truth.pennation_deg[std::size_t(f)]);
            const double te = *t - truth.muscle_thickness_mm[std::size_t(f)];
            pen_max = std::max(pen_max, pe);
            pen_mean += pe / frames;
            if (std::getenv("EVAL_FRAMES")) {
              fmt::print("  f{} thickness {:.3f} truth {:.3f} pennation {:.2f} truth {:.2f}\n", f,
                         *t, truth.muscle_thickness_mm[std::size_t(f)], *p,
                         truth.pennation_deg[std::size_t(f)]);
            }
            thk_max = std::max(thk_max, std::abs(te));
            thk_bias += te / frames;
          }
          auto signed_error = [&](int f) {
            const auto& p = trace->pennation_deg[std::size_t(f)];
            return p ? *p - truth.pennation_deg[std::size_t(f)] : 99.0;
          };
          worst_pennation = std::max(worst_pennation, pen_max);
          worst_thickness = std::max(worst_thickness, thk_max);
          fmt::print(
              "{:16} {:>4} {:>5.2f} {:>4.1f} | {:>6.2f} {:>6.2f} {:>+6.2f} {:>+6.2f} | {:>6.3f} "
              "{:>+7.3f} | {:>6.1f}{}\n",
              phantom::to_string(scenario), seed, spacing, jitter, pen_max, pen_mean,
              signed_error(0), signed_error(truth.peak_frame), thk_max, thk_bias, ms,
              missing ? fmt::format("  ({} frames unmeasured)", missing) : "");
          if (!draw.empty()) {
            for (int f : {truth.rest_frame, truth.peak_frame}) {
              cv::imwrite(fmt::format("{}_{}_{}_{}_{}_f{}.png", draw, phantom::to_string(scenario),
                                      seed, spacing, jitter, f),
                          segmentation::draw_muscle(run.phantom.loop, *trace, f));
            }
          }
          std::fflush(stdout);
        }
      }
    }
  }
  fmt::print("worst: pennation {:.2f} deg, thickness {:.3f} mm\n", worst_pennation,
             worst_thickness);
  return 0;
}
