// Where the shared real-data corpus lives for tests: $DYNAMUS_REALDATA, else ../shared/realdata
// relative to the repository root. Tests that need it skip with a clear message when it is absent.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dynamus::testing {

inline std::filesystem::path realdata_dir() {
  if (const char* env = std::getenv("DYNAMUS_REALDATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(DYNAMUS_SOURCE_DIR) / ".." / "shared" / "realdata";
}

// realdata_dir() / relative, or an empty path when the file is absent.
inline std::filesystem::path realdata_file(const std::string& relative) {
  std::filesystem::path path = realdata_dir() / relative;
  return std::filesystem::exists(path) ? path : std::filesystem::path();
}

}  // namespace dynamus::testing

// Skips the current test when a real-data file is missing, naming the file and the variable.
#define DYNAMUS_REQUIRE_REALDATA(var, relative)                                  \
  const std::filesystem::path var = ::dynamus::testing::realdata_file(relative); \
  if (var.empty()) {                                                             \
    GTEST_SKIP() << "real data " << (relative) << " not found under "            \
                 << ::dynamus::testing::realdata_dir()                           \
                 << " (set DYNAMUS_REALDATA to the shared/realdata folder)";     \
  }
