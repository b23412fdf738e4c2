// Runs the tendon and tear steps on a phantom loop and compares them with the phantom's truth:
// shared by the tests and the evaluation table.
#pragma once

#include <optional>
#include <string>

#include "dynamus/imaging/trajectories.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/segmentation/tear.h"
#include "dynamus/segmentation/tendon.h"

namespace dynamus::segmentation::testing {

struct ScenarioRun {
  phantom::PhantomParams params;
  phantom::PhantomLoop phantom;
  imaging::Motion motion;
  imaging::ContractionPhases phases;
  TendonTrace tendon;
  TendonThickness thickness;
  Tear tear;
  double analysis_s = 0.0;  // trace + thickness + tear, wall clock
};

struct ScenarioErrors {
  double thickness_error_mm = 0.0;  // median over frames of |measured - truth| per-frame median
  double surface_error_mm = 0.0;    // median over frames and samples of |surface - truth|
  double upper_bias_mm = 0.0, lower_bias_mm = 0.0;             // median signed surface - truth
  std::optional<double> gap_rest_error_mm, gap_peak_error_mm;  // at the truth's rest/peak frames
  std::optional<double> thickening_location_error_mm;
};

phantom::PhantomParams scenario_params(phantom::Scenario scenario, std::uint64_t seed,
                                       double spacing_mm, double jitter_mm, int frames = 40);
// Simulates, tracks with the default tracker, finds the phases and runs the three steps.
ScenarioRun run_scenario(const phantom::PhantomParams& params);
ScenarioErrors errors_of(const ScenarioRun& run);
// Rest and peak frames with the traced surfaces and the tear's stump ends drawn, as PNGs.
void draw_run(const ScenarioRun& run, const std::string& prefix);

}  // namespace dynamus::segmentation::testing
