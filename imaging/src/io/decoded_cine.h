// What a format reader hands to load(): full-size grey frames plus everything the file says about
// calibration, region and timing. load() then applies sidecar and user overrides and crops.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging::io {

struct DecodedCine {
  int width_px = 0;
  int height_px = 0;
  int frame_count = 0;
  std::vector<std::uint8_t> pixels;   // frame_count full-size grey frames, row-major
  Timing timing;                      // kUnknown with no timestamps when the file has none
  Calibration calibration;            // kNone when the file has none
  std::optional<RegionPx> region_px;  // the calibrated region the file declares, if any
  SourceInfo source;                  // path and sha256 are filled in by load()
  std::vector<std::string> warnings;
};

// Bytes needed for `frames` frames of width x height x samples, each of `bytes_per_sample`, or
// kTooLarge naming the ceiling. Checked before decoding anything.
Status check_declared_size(std::uint64_t width, std::uint64_t height, std::uint64_t frames,
                           std::uint64_t samples, std::uint64_t bytes_per_sample,
                           std::uint64_t max_memory_bytes);

// Timestamps 0, 1/fps, 2/fps, ... for `frames` frames.
std::vector<double> uniform_timestamps_s(int frames, double fps);

Result<DecodedCine> read_dicom(const std::filesystem::path& path, std::uint64_t max_memory_bytes);
Result<DecodedCine> read_video(const std::filesystem::path& path, std::uint64_t max_memory_bytes);
// One image file (one frame) or a folder of images (natural sort order of the file names).
Result<DecodedCine> read_images(const std::filesystem::path& path, std::uint64_t max_memory_bytes);
// PLUS MetaImage (.mha, .mhd + raw) and NRRD sequences.
Result<DecodedCine> read_plus_sequence(const std::filesystem::path& path,
                                       std::uint64_t max_memory_bytes);

}  // namespace dynamus::imaging::io
