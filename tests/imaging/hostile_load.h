// Shared by the hostile-file tests: load() runs in a forked child whose address space is capped at
// kChildHeadroom above the test process (bounded_child.h; not under ASan). A loader that allocated
// what a file declares would get std::bad_alloc there, not the refusal the tests assert, and a
// crash or stack overflow kills only the child.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "bounded_child.h"
#include "dynamus/imaging/load.h"

namespace dynamus::imaging {

inline constexpr std::uint64_t kChildHeadroom = std::uint64_t{256} << 20;

inline std::filesystem::path write_file(const std::filesystem::path& path,
                                        const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

inline LoadOptions no_sidecar() {
  LoadOptions options;
  options.read_sidecar = false;
  return options;
}

// The child must return (not die) with `code` and a one-line message naming the file.
inline testing::ChildOutcome expect_clean_error(const std::filesystem::path& path,
                                                StatusCode code) {
  const testing::ChildOutcome outcome = testing::run_bounded(
      [&] {
        const Result<CineLoop> loop = load(path, no_sidecar());
        return loop.ok() ? ok_status() : loop.status();
      },
      kChildHeadroom);
  EXPECT_TRUE(outcome.exited) << "the child died of signal " << outcome.signal;
  EXPECT_EQ(int(outcome.code), int(code)) << outcome.text;
  EXPECT_NE(outcome.text.find(path.string()), std::string::npos) << outcome.text;
  EXPECT_EQ(outcome.text.find('\n'), std::string::npos) << outcome.text;
  return outcome;
}

// expect_clean_error(), and the message gives `reason`.
inline void expect_refusal(const std::filesystem::path& path, StatusCode code,
                           std::string_view reason) {
  const testing::ChildOutcome outcome = expect_clean_error(path, code);
  EXPECT_NE(outcome.text.find(reason), std::string::npos) << outcome.text;
}

}  // namespace dynamus::imaging
