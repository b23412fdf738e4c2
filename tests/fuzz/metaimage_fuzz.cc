// PLUS sequences in MetaImage (.mha, or .mhd header + data file) and NRRD through load(). An input
// holding the line kDataFileMarker is split there: the header goes to seq.mhd, the rest to
// data.raw (which the header may name as its ElementDataFile, or not).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "load_fuzz.h"

namespace {
constexpr std::string_view kDataFileMarker = "\n#dynamus-fuzz-data-file#\n";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  fuzz::clear_scratch();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::filesystem::path path;
  if (const std::size_t split = bytes.find(kDataFileMarker); split != std::string_view::npos) {
    path = fuzz::write_scratch("seq.mhd", bytes.substr(0, split + 1));
    fuzz::write_scratch("data.raw", bytes.substr(split + kDataFileMarker.size()));
  } else {
    path = fuzz::write_scratch("seq.mha", bytes);
  }
  fuzz::load_and_check(path, {imaging::InputFormat::kMetaImage, imaging::InputFormat::kNrrd});
  return 0;
}
