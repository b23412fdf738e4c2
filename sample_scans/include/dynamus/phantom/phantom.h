// The ultrasound phantom: cine loops of a muscle-tendon unit contracting, with exact ground truth.
// Scatterers are placed in a randomised anatomy (mm), moved by a known displacement field as the
// muscle contracts, and imaged with a convolution model of a linear probe (scanner.h).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/phantom/truth.h"

namespace dynamus::phantom {

enum class Scenario {
  kHealthy,         // intact tendon
  kTendinopathy,    // focal thickening, hypoechoic inside
  kPartialTear,     // hypoechoic cleft through part of the tendon thickness
  kFullTear,        // full-thickness fluid-filled gap that keeps its length
  kRetractingTear,  // full-thickness gap whose stumps pull apart with contraction
};
std::string_view to_string(Scenario scenario);
Result<Scenario> parse_scenario(std::string_view name);  // "healthy", "partial-tear", ...
const std::vector<Scenario>& all_scenarios();

struct PhantomParams {
  Scenario scenario = Scenario::kRetractingTear;
  std::uint64_t seed = 1;
  int frames = 60;
  double fps = 30.0;
  double spacing_mm = 0.1;  // output pixels are square
  int width_px = 640;
  int height_px = 480;
  double frequency_mhz = 10.0;     // centre frequency, 7-15 MHz
  double dynamic_range_db = 55.0;  // of the log compression
  double jitter_mm = 0.0;          // RMS of the probe's rigid jitter
  int cycles = 1;                  // contraction cycles (rest, ramp, hold, release, rest)
};
// kInvalidArgument naming the parameter when a value is outside what the model supports.
Status validate(const PhantomParams& params);

struct PhantomLoop {
  imaging::CineLoop loop;  // 8-bit B-mode frames, calibrated (kUser: the simulator's spacing)
  Truth truth;
};

// Deterministic for the same parameters (and build). Frames are rendered on all cores.
Result<PhantomLoop> simulate(const PhantomParams& params);

// Exact motion of the loop simulate(params) renders: where the tissue at `points` (mm, in frame
// `from`) is in frame `to`. Inside fluid the surrounding tissue's field is given.
Result<std::vector<PointMm>> true_positions(const PhantomParams& params,
                                            std::span<const PointMm> points, int from, int to);

}  // namespace dynamus::phantom
