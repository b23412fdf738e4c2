// The sidecar <input>.json: calibration, frame rate and region for inputs that do not carry them
// (screen recordings, image folders) or carry them wrongly.
#pragma once

#include <array>
#include <filesystem>
#include <optional>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging::io {

struct Sidecar {
  std::filesystem::path path;
  std::optional<std::array<double, 2>> spacing_mm;  // "spacing_mm": 0.1 or [0.1, 0.12]
  std::optional<double> fps;                        // "fps": 30
  std::optional<RegionPx> region_px;                // "region_px": [x0, y0, x1, y1], inclusive
};

// The sidecar path for an input: "<input>.json" (a trailing slash of a folder is dropped).
std::filesystem::path sidecar_path(const std::filesystem::path& input);

// Reads the sidecar of `input`; nothing when there is none, kInvalidData (naming the sidecar) when
// it is malformed or holds impossible values.
Result<std::optional<Sidecar>> read_sidecar(const std::filesystem::path& input);

}  // namespace dynamus::imaging::io
