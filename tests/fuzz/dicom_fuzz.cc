// DICOM through load(): GDCM's parser and codecs, the ultrasound regions, timing and the checks
// of declared sizes and truncation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "load_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  fuzz::clear_scratch();
  const auto path =
      fuzz::write_scratch("input.dcm", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::load_and_check(path, {imaging::InputFormat::kDicom});
  return 0;
}
