// trace_muscle against the phantom's exact truth: thickness between the aponeuroses and pennation
// of the upper belly's fascicles against the deep (central) aponeurosis, every frame.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "dynamus/imaging/motion.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/segmentation/muscle.h"
#include "muscle_draw.h"
#include "scenario_run.h"

namespace dynamus::segmentation {
namespace {

struct Errors {
  double pennation_max_deg = 0.0, pennation_mean_deg = 0.0;
  double thickness_max_mm = 0.0, thickness_mean_mm = 0.0;
  bool all_measured = true;
};

Errors evaluate(const phantom::PhantomParams& params, const std::string& png_prefix = {}) {
  Errors e;
  Result<phantom::PhantomLoop> sim = phantom::simulate(params);
  EXPECT_TRUE(sim.ok()) << sim.status().to_string();
  if (!sim.ok()) return e;
  Result<imaging::Motion> motion =
      imaging::track(sim->loop, *imaging::create_tracker("default").value());
  EXPECT_TRUE(motion.ok());
  Result<MuscleTrace> trace = trace_muscle(sim->loop, *motion, TendonTrace{});
  EXPECT_TRUE(trace.ok());
  EXPECT_TRUE(trace->found) << trace->not_found_reason;
  if (!trace.ok() || !trace->found) return e;
  const phantom::Truth& truth = sim->truth;
  for (int f = 0; f < params.frames; ++f) {
    const auto& p = trace->pennation_deg[std::size_t(f)];
    const auto& t = trace->thickness_mm[std::size_t(f)];
    if (!p || !t) {
      e.all_measured = false;
      continue;
    }
    const double pe = std::abs(*p - truth.pennation_deg[std::size_t(f)]);
    const double te = std::abs(*t - truth.muscle_thickness_mm[std::size_t(f)]);
    e.pennation_max_deg = std::max(e.pennation_max_deg, pe);
    e.thickness_max_mm = std::max(e.thickness_max_mm, te);
    e.pennation_mean_deg += pe / params.frames;
    e.thickness_mean_mm += te / params.frames;
  }
  if (!png_prefix.empty()) {
    for (int f : {truth.rest_frame, truth.peak_frame}) {
      cv::imwrite(png_prefix + "_f" + std::to_string(f) + ".png",
                  draw_muscle(sim->loop, *trace, f));
    }
    std::printf("truth rest thickness %.2f pennation %.2f at x %.1f; traced %.2f %.2f\n",
                truth.muscle_thickness_mm[std::size_t(truth.rest_frame)],
                truth.pennation_deg[std::size_t(truth.rest_frame)], truth.muscle_x_mm,
                trace->thickness_mm[std::size_t(truth.rest_frame)].value_or(-1),
                trace->pennation_deg[std::size_t(truth.rest_frame)].value_or(-1));
  }
  return e;
}

// Seeds x spacings x jitter, healthy loops of 30 frames at 640x480 (rest, contraction, hold,
// release), every frame against the truth.
TEST(MusclePhantom, AccuracyOverSeedsSpacingsAndJitter) {
  std::printf(
      "seed spacing_mm jitter_mm | pennation err max/mean deg | thickness err max/mean mm\n");
  double worst_pennation_deg = 0.0, worst_thickness_mm = 0.0;
  for (std::uint64_t seed : {1, 2, 3}) {
    for (double spacing_mm : {0.08, 0.12}) {
      for (double jitter_mm : {0.0, 0.1}) {
        phantom::PhantomParams params;
        params.scenario = phantom::Scenario::kHealthy;
        params.seed = seed;
        params.frames = 30;
        params.spacing_mm = spacing_mm;
        params.jitter_mm = jitter_mm;
        const char* dir = std::getenv("DYNAMUS_MUSCLE_PNG_DIR");
        const Errors e =
            evaluate(params, dir ? std::string(dir) + "/muscle_s" + std::to_string(seed) + "_" +
                                       std::to_string(int(spacing_mm * 100)) + "_" +
                                       std::to_string(int(jitter_mm * 10))
                                 : std::string());
        std::printf("%4d %10.2f %9.2f | %12.2f / %5.2f | %12.3f / %5.3f\n", int(seed), spacing_mm,
                    jitter_mm, e.pennation_max_deg, e.pennation_mean_deg, e.thickness_max_mm,
                    e.thickness_mean_mm);
        EXPECT_TRUE(e.all_measured);
        // Achieved here: pennation at most 0.91 deg in any frame, thickness at most 0.16 mm (the
        // edges sit ~0.06 mm inside each band: the amplitude's steepest point).
        EXPECT_LE(e.pennation_max_deg, 1.0) << "seed " << seed << " spacing " << spacing_mm;
        EXPECT_LE(e.thickness_max_mm, 0.25) << "seed " << seed << " spacing " << spacing_mm;
        worst_pennation_deg = std::max(worst_pennation_deg, e.pennation_max_deg);
        worst_thickness_mm = std::max(worst_thickness_mm, e.thickness_max_mm);
      }
    }
  }
  std::printf("worst: pennation %.2f deg, thickness %.3f mm\n", worst_pennation_deg,
              worst_thickness_mm);
}

// The pathologies, with the tendon hint from trace_tendon as the analysis passes it: the belly
// must stay the muscle proximal to the tendon, and the deep line must not take a tear's gap. One
// seed, spacing and jitter per scenario here (muscle_eval runs the whole matrix).
TEST(MusclePhantom, EveryScenarioWithTheTendonHint) {
  struct Case {
    phantom::Scenario scenario;
    std::uint64_t seed;
    double spacing_mm, jitter_mm;
  };
  for (const Case& c : {Case{phantom::Scenario::kTendinopathy, 2, 0.08, 0.1},
                        Case{phantom::Scenario::kPartialTear, 3, 0.12, 0.0},
                        Case{phantom::Scenario::kFullTear, 1, 0.08, 0.0},
                        Case{phantom::Scenario::kRetractingTear, 2, 0.12, 0.1}}) {
    SCOPED_TRACE(std::string(phantom::to_string(c.scenario)));
    const testing::ScenarioRun run = testing::run_scenario(
        testing::scenario_params(c.scenario, c.seed, c.spacing_mm, c.jitter_mm, 30));
    ASSERT_TRUE(run.tendon.found) << run.tendon.not_found_reason;
    Result<MuscleTrace> trace = trace_muscle(run.phantom.loop, run.motion, run.tendon);
    ASSERT_TRUE(trace.ok()) << trace.status().to_string();
    ASSERT_TRUE(trace->found) << trace->not_found_reason;
    const phantom::Truth& truth = run.phantom.truth;
    double pennation_max_deg = 0.0, thickness_max_mm = 0.0;
    for (int f = 0; f < truth.frames; ++f) {
      const auto& p = trace->pennation_deg[std::size_t(f)];
      const auto& t = trace->thickness_mm[std::size_t(f)];
      ASSERT_TRUE(p && t) << "frame " << f;
      pennation_max_deg =
          std::max(pennation_max_deg, std::abs(*p - truth.pennation_deg[std::size_t(f)]));
      thickness_max_mm =
          std::max(thickness_max_mm, std::abs(*t - truth.muscle_thickness_mm[std::size_t(f)]));
    }
    std::printf(
        "%-16s seed %d %.2f mm/px jitter %.1f: pennation err max %.2f deg, thickness %.3f mm\n",
        std::string(phantom::to_string(c.scenario)).c_str(), int(c.seed), c.spacing_mm, c.jitter_mm,
        pennation_max_deg, thickness_max_mm);
    // Achieved: pennation at most 0.9 deg, thickness at most 0.16 mm (was 4-9 deg and up to 3 mm
    // with the tear's gap taken for belly).
    EXPECT_LE(pennation_max_deg, 1.0);
    EXPECT_LE(thickness_max_mm, 0.25);
    // Over a full-thickness gap the deep line is not drawn: no sample there is seen.
    if (c.scenario == phantom::Scenario::kFullTear ||
        c.scenario == phantom::Scenario::kRetractingTear) {
      const int f = truth.peak_frame;
      const auto& polygon = truth.tear_polygon_mm[std::size_t(f)];
      ASSERT_GT(polygon.size(), 2u);
      double x0 = 1e9, x1 = -1e9;
      for (const auto& q : polygon) x0 = std::min(x0, q.x_mm), x1 = std::max(x1, q.x_mm);
      int over_gap = 0, seen = 0;
      for (std::size_t i = 0; i < trace->x_mm.size(); ++i) {
        // The gap's middle, clear of the frayed ends.
        if (trace->x_mm[i] < x0 + 1.0 || trace->x_mm[i] > x1 - 1.0) continue;
        ++over_gap;
        seen += trace->deep_mm[std::size_t(f)][i].has_value();
      }
      EXPECT_GT(over_gap, 0);
      EXPECT_EQ(seen, 0) << "deep aponeurosis drawn over the gap at " << seen << " of " << over_gap;
    }
  }
}

}  // namespace
}  // namespace dynamus::segmentation
