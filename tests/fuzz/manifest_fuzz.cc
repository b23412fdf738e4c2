// The batch manifest: the bytes are a .csv given to discover_inputs(), as `dynamus batch` does.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "dynamus/batch/discover.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynamus;
  fuzz::clear_scratch();
  const std::filesystem::path manifest = fuzz::write_scratch(
      "manifest.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  const auto studies = batch::discover_inputs({manifest});
  if (!studies.ok()) {
    fuzz::check_error(studies.status(), /*names_a_file=*/true);
    return 0;
  }
  std::set<std::filesystem::path> seen;
  for (const std::filesystem::path& study : *studies) {
    DYNAMUS_FUZZ_CHECK(study.is_absolute(), "study paths are absolute");
    DYNAMUS_FUZZ_CHECK(study == study.lexically_normal(), "study paths are normal");
    DYNAMUS_FUZZ_CHECK(seen.insert(study).second, "no study twice");
  }
  return 0;
}
