// The load() harnesses (DICOM, MetaImage/NRRD, video): the bytes become a file, load() reads it
// with a small memory ceiling, and whatever comes back must be a valid loop or a clean error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dynamus/imaging/load.h"

namespace dynamus::fuzz {

// Declared sizes above this are refused before decoding (the fuzzer runs with -rss_limit_mb).
inline constexpr std::uint64_t kFuzzMaxMemoryBytes = std::uint64_t{64} << 20;

// Loads `path`, checking the result. Only inputs detected as one of `formats` are read: the
// others would exercise another harness's reader.
void load_and_check(const std::filesystem::path& path,
                    std::initializer_list<imaging::InputFormat> formats);

}  // namespace dynamus::fuzz
