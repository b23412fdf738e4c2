#include "load_fuzz.h"

#include <algorithm>
#include <cmath>

#include "fuzz_support.h"

namespace dynamus::fuzz {

void load_and_check(const std::filesystem::path& path,
                    std::initializer_list<imaging::InputFormat> formats) {
  const Result<imaging::InputFormat> format = imaging::detect_format(path);
  if (!format.ok() || std::find(formats.begin(), formats.end(), *format) == formats.end()) return;

  imaging::LoadOptions options;
  options.max_memory_bytes = kFuzzMaxMemoryBytes;
  // In process, so that libFuzzer sees the readers' coverage and a library crash is a finding.
  options.decode_in_child_process = false;
  const Result<imaging::CineLoop> loop = imaging::load(path, options);
  if (!loop.ok()) {
    check_error(loop.status(), /*names_a_file=*/true);
    return;
  }
  // CineLoop::create() checked its invariants; these are what every caller relies on.
  DYNAMUS_FUZZ_CHECK(loop->frame_count() >= 1 && loop->width_px() >= 1 && loop->height_px() >= 1,
                     "a loop has frames");
  DYNAMUS_FUZZ_CHECK(loop->pixels().size() == loop->frame_size() * std::size_t(loop->frame_count()),
                     "the pixel buffer holds every frame");
  if (const auto& spacing = loop->calibration().spacing_mm) {
    DYNAMUS_FUZZ_CHECK(std::isfinite((*spacing)[0]) && (*spacing)[0] > 0.0 &&
                           std::isfinite((*spacing)[1]) && (*spacing)[1] > 0.0,
                       "spacing is positive and finite");
  }
  const std::vector<double>& t = loop->timing().timestamps_s;
  for (std::size_t i = 1; i < t.size(); ++i) {
    DYNAMUS_FUZZ_CHECK(std::isfinite(t[i]) && t[i] > t[i - 1], "frame times rise");
  }
}

}  // namespace dynamus::fuzz
