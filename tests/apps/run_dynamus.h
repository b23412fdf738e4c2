// Running the dynamus CLI from a test as a user would, capturing its exit code and stdout.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace dynamus {

struct CommandRun {
  int exit_code = -1;
  std::string out;
};

// Runs the CLI with stderr discarded and returns its exit code and stdout.
inline CommandRun run_dynamus(const std::string& arguments) {
  const std::string command =
      std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + arguments + " 2>/dev/null";
  CommandRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

inline std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace dynamus
