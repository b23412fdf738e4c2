// dynamus-view run as a user runs it, and a scratch folder for what it writes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dynamus::view {

// A file name in this test process' own scratch folder (created; removed when the process exits).
inline std::filesystem::path scratch(const std::string& name) {
  struct Folder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("dynamus_view_test_" + std::to_string(getpid()));
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
      std::error_code error;
      std::filesystem::remove_all(path, error);
    }
  };
  static const Folder folder;
  return folder.path / name;
}

// The exit code of `dynamus-view arguments` (stderr dropped), -1 when it did not exit.
inline int run_view(const std::string& arguments) {
  const std::string command = std::string(DYNAMUS_VIEW_BIN) + " " + arguments + " 2>/dev/null";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace dynamus::view
