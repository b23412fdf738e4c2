// The video container probe: content detection, then OpenCV's FFmpeg backend opening the
// container, its declared frame count and rate, the frames and their presentation times.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "load_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  fuzz::clear_scratch();
  const auto path = fuzz::write_scratch(
      "input.video", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::load_and_check(path, {imaging::InputFormat::kVideo});
  return 0;
}
