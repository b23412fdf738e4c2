// The "input" object of result.json and of `dynamus info --json` (DESIGN.md, result contract).
#pragma once

#include <nlohmann/json.hpp>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

// path, sha256, format, frames, width_px, height_px, spacing_mm (null when uncalibrated),
// calibration, region_px, fps and duration_s (null without timing), warnings; plus provenance
// details (calibration_detail, region_source, timing, transfer syntax, UIDs, source size).
nlohmann::json input_json(const CineLoop& loop);

}  // namespace dynamus::imaging
