// result.json ("schema": "dynamus.analysis/1", DESIGN.md) and frames.csv of an analysis.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::segmentation {

inline constexpr const char* kResultSchema = "dynamus.analysis/1";

nlohmann::json params_json(const AnalysisParams& params);
// The inverse, for re-running a stored analysis; missing keys keep their defaults.
// kInvalidData when a key has the wrong type.
Result<AnalysisParams> params_from_json(const nlohmann::json& params);

// result.json's "plugins": name, kind, version, abi_version, api_version, path, sha256 of each.
nlohmann::json plugins_json(const std::vector<PluginInfo>& plugins);

// Every per-frame array has exactly loop.frame_count() entries, null where nothing was measured.
nlohmann::json result_json(const imaging::CineLoop& loop, const AnalysisParams& params,
                           const Analysis& analysis);

// One line per frame: frame,t_s,level,gap_mm,tendon_thickness_median_mm,
// tendon_thickness_max_mm,muscle_thickness_mm,pennation_deg (empty where not measured).
std::string frames_csv(const imaging::CineLoop& loop, const Analysis& analysis);

}  // namespace dynamus::segmentation
