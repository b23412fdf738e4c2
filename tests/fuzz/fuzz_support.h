// Shared by the libFuzzer harnesses: a scratch folder per process for the files a harness hands
// to the library (its readers take paths), and the checks every harness makes of an error.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "dynamus/core/status.h"

namespace dynamus::fuzz {

// A violated expectation is a finding: print it and abort, so libFuzzer keeps the input.
#define DYNAMUS_FUZZ_CHECK(condition, what)                                   \
  do {                                                                        \
    if (!(condition)) {                                                       \
      std::fprintf(stderr, "fuzz check failed: %s (%s)\n", what, #condition); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

// A folder of this process's own under $TMPDIR (or /tmp), emptied on every call. It is removed
// when the process exits; a crash leaves it, with the input that caused it (scripts/fuzz.sh).
class ScratchFolder {
 public:
  ScratchFolder() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
            ("dynamus-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const std::filesystem::path& scratch_folder() {
  static const ScratchFolder folder;
  return folder.path();
}

inline void clear_scratch() {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_folder(), error)) {
    std::filesystem::remove_all(entry.path(), error);
  }
}

inline std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = scratch_folder() / name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  return path;
}

// A failure must be a value with a one-line message (and, for files, the file named).
inline void check_error(const Status& status, bool names_a_file) {
  DYNAMUS_FUZZ_CHECK(!status.ok(), "an error status");
  DYNAMUS_FUZZ_CHECK(status.code() != StatusCode::kInternal, "no internal error on bad input");
  DYNAMUS_FUZZ_CHECK(!status.message().empty(), "an error message");
  DYNAMUS_FUZZ_CHECK(status.message().find('\n') == std::string::npos, "a one-line message");
  if (names_a_file) DYNAMUS_FUZZ_CHECK(!status.context().empty(), "the error names the file");
}

}  // namespace dynamus::fuzz
