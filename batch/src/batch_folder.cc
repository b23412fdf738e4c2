#include "batch_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

namespace dynamus::batch {
namespace fs = std::filesystem;

Result<FolderLock> FolderLock::acquire(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot create the output folder: {}", error.message()),
                  dir.string());
  }
  const int fd = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status(StatusCode::kUnreadable, "cannot write the output folder", dir.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status(StatusCode::kUnreadable, "another dynamus batch or merge is writing this folder",
                  dir.string());
  }
  return FolderLock(fd);
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

int remove_stale_temporaries(const fs::path& studies_dir) {
  int removed = 0;
  std::error_code error;
  for (fs::directory_iterator it(studies_dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().filename().string().find(".tmp-") == std::string::npos) continue;
    std::error_code remove_error;
    fs::remove_all(it->path(), remove_error);
    if (!remove_error) ++removed;
  }
  return removed;
}

fs::path temporary_study_folder(const fs::path& studies_dir, const std::string& key) {
  return studies_dir / fmt::format("{}.tmp-{}", key, ::getpid());
}

Status put_study_folder_in_place(const fs::path& temporary_dir, const fs::path& final_dir) {
  std::error_code error;
  fs::remove_all(final_dir, error);
  if (!error) fs::rename(temporary_dir, final_dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot put the study folder in place: {}", error.message()),
                  final_dir.string());
  }
  return ok_status();
}

}  // namespace dynamus::batch
