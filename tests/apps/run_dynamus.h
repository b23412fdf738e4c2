// Running the dynamus CLI from a test as a user would, capturing its exit code and stdout.
#pragma once

#include <filesystem>
#include <string>

#include "run_command.h"

namespace dynamus {

using testing::CommandRun;

// Runs the CLI with stderr discarded and returns its exit code and stdout.
inline CommandRun run_dynamus(const std::string& arguments) {
  return testing::run_command(std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + arguments +
                              " 2>/dev/null");
}

inline std::string shell_quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

}  // namespace dynamus
