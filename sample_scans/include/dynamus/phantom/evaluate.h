// Errors of an analysis (result.json, DESIGN.md) against the phantom's exact truth (truth.json).
// Works on the two JSON contracts, so it evaluates any result, however it was produced.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus::phantom {

struct Evaluation {
  std::string scenario;
  std::string expected_kind;  // "none", "partial", "full"
  std::string found_kind;     // result's tear.kind ("none" when not suspected)
  bool tear_correct = false;  // found_kind == expected_kind
  // |measured - true|; nullopt where either side has no value.
  std::optional<double> gap_rest_error_mm, gap_peak_error_mm;
  std::optional<double> tendon_thickness_error_mm;  // median over frames of the per-frame medians
  bool thickening_expected = false, thickening_found = false;
  std::optional<double> thickening_location_error_mm;  // lateral, at rest
  std::optional<double> muscle_thickness_error_mm;     // median over frames
  std::optional<double> pennation_error_deg;           // median over frames
  int rest_frame_error = 0, peak_frame_error = 0;      // |found - true|
  double level_correlation = 0.0;                      // Pearson, per frame
};

// kInvalidData naming what is missing when either document is not of its schema or their frame
// counts differ.
Result<Evaluation> evaluate(const nlohmann::json& result, const nlohmann::json& truth);

nlohmann::json to_json(const Evaluation& evaluation);

}  // namespace dynamus::phantom
