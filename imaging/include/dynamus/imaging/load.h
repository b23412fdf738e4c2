// Loading cine loops from DICOM, video, image files and folders, and PLUS MetaImage/NRRD
// sequences. The format is chosen by content (magic bytes), never by the file name's extension.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

enum class InputFormat { kDicom, kVideo, kImage, kImageFolder, kMetaImage, kNrrd };
std::string_view to_string(InputFormat format);

// Reads the first bytes of the file (or lists the folder) and names its format.
// kNotFound for a missing path, kUnsupported for content of no known format.
Result<InputFormat> detect_format(const std::filesystem::path& path);

// Values that replace what the file says; each is recorded as the provenance ("user").
struct LoadOverrides {
  std::optional<std::array<double, 2>> spacing_mm;  // [x, y], mm per pixel, > 0
  std::optional<double> fps;                        // > 0
  std::optional<RegionPx> region_px;                // inclusive, in source pixels
};

struct LoadOptions {
  LoadOverrides overrides;
  // Read <input>.json (spacing_mm, fps, region_px) when present; the command line wins over it.
  bool read_sidecar = true;
  // For video and image inputs without a known region: find the ultrasound image in the screen
  // capture and crop to it.
  bool auto_region = true;
  // Inputs whose declared decoded size exceeds this are refused before anything is allocated.
  std::uint64_t max_memory_bytes = std::uint64_t{4} << 30;
  // Decode in a child process: a decoding library that crashes on a malformed file (an assertion
  // in GDCM, a fault in a codec) ends the child, and load() reports kInvalidData instead of the
  // caller ending. Costs a fork and a copy of the grey frames out of the child
  // (docs/reliability.md).
  // Off only where a crash should be seen: the fuzz harnesses, a debugger.
  bool decode_in_child_process = true;
  // The child is stopped after this much processor time (all its threads): a library looping on a
  // malformed file ends as kInvalidData instead of never. A 300-frame loop takes under a second.
  std::uint32_t max_decode_cpu_seconds = 600;
};

// The memory ceiling from DYNAMUS_MAX_MEMORY_MB when set and valid, else the default above.
std::uint64_t default_max_memory_bytes();

// Decodes, calibrates and crops one input. Errors carry the path as context.
Result<CineLoop> load(const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace dynamus::imaging
