#include "io/decoded_cine.h"

#include <fmt/format.h>

#include <limits>

namespace dynamus::imaging::io {

Status check_declared_size(std::uint64_t width, std::uint64_t height, std::uint64_t frames,
                           std::uint64_t samples, std::uint64_t bytes_per_sample,
                           std::uint64_t max_memory_bytes) {
  if (width == 0 || height == 0 || frames == 0 || samples == 0 || bytes_per_sample == 0) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("declares an empty image ({}x{}, {} frames)", width, height, frames));
  }
  // Multiply step by step so absurd declarations cannot overflow into a small number.
  std::uint64_t bytes = 1;
  for (std::uint64_t factor : {width, height, frames, samples, bytes_per_sample}) {
    if (bytes > std::numeric_limits<std::uint64_t>::max() / factor) {
      bytes = std::numeric_limits<std::uint64_t>::max();
      break;
    }
    bytes *= factor;
  }
  if (bytes > max_memory_bytes) {
    return Status(
        StatusCode::kTooLarge,
        fmt::format("declares {}x{} pixels x {} frames ({:.1f} MiB decoded), above the "
                    "memory ceiling of {} MiB (raise it with --max-memory-mb or "
                    "DYNAMUS_MAX_MEMORY_MB)",
                    width, height, frames, double(bytes) / (1 << 20), max_memory_bytes >> 20));
  }
  return ok_status();
}

std::vector<double> uniform_timestamps_s(int frames, double fps) {
  std::vector<double> t(std::size_t(std::max(frames, 0)));
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = double(i) / fps;
  return t;
}

}  // namespace dynamus::imaging::io
