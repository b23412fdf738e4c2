#include "dynamus/core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace dynamus {
namespace {

// Distinguishes the temporaries of concurrent writes within one process; the pid does across them.
std::atomic<unsigned> temporary_counter{0};

std::filesystem::path temporary_path(const std::filesystem::path& path) {
  return path.parent_path() / fmt::format(".{}.tmp-{}-{}{}", path.stem().string(), ::getpid(),
                                          temporary_counter.fetch_add(1),
                                          path.extension().string());
}

// Creates the temporary exclusively, so that a stale or foreign file of the same name is never
// overwritten, and so that an unwritable folder is reported the same way whatever the writer.
Status create_empty(const std::filesystem::path& temporary) {
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot create a temporary file in {}: {}",
                              temporary.parent_path().string(), std::strerror(errno)));
  }
  ::close(fd);
  return ok_status();
}

}  // namespace

Status write_file_atomically(
    const std::filesystem::path& path,
    const std::function<Status(const std::filesystem::path& temporary)>& write) {
  const std::string context = path.string();
  if (path.filename().empty()) {
    return Status(StatusCode::kInvalidArgument, "cannot write: the path names no file", context);
  }
  const std::filesystem::path folder =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    return Status(StatusCode::kNotFound,
                  fmt::format("cannot write: folder {} does not exist", folder.string()), context);
  }
  const std::filesystem::path temporary = temporary_path(folder / path.filename());
  if (Status created = create_empty(temporary); !created.ok()) {
    return created.with_context(context);
  }
  Status written = write(temporary);
  if (written.ok()) {
    std::filesystem::rename(temporary, path, error);
    if (error) {
      written = Status(StatusCode::kUnreadable,
                       fmt::format("cannot rename the temporary file {} over it: {}",
                                   temporary.filename().string(), error.message()));
    }
  }
  if (!written.ok()) {
    std::filesystem::remove(temporary, error);
    return written.with_context(context);
  }
  return ok_status();
}

Status write_text_file_atomically(const std::filesystem::path& path, std::string_view text) {
  return write_file_atomically(path, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out.write(text.data(), std::streamsize(text.size()));
    out.close();
    return out ? ok_status() : Status(StatusCode::kUnreadable, "cannot write");
  });
}

}  // namespace dynamus
