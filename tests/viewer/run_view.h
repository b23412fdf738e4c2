// dynamus-view run as a user runs it, and a scratch folder for what it writes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dynamus::view {

// A file name in this test process' own scratch folder (created).
inline std::filesystem::path scratch(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("dynamus_view_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

// The exit code of `dynamus-view arguments` (stderr dropped), -1 when it did not exit.
inline int run_view(const std::string& arguments) {
  const std::string command = std::string(DYNAMUS_VIEW_BIN) + " " + arguments + " 2>/dev/null";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace dynamus::view
