// What the batch and the merge share about an output folder: the exclusive lock that keeps two
// processes from writing one folder, the stale temporaries a killed run leaves behind, and the
// rename that puts a complete study folder in place.
#pragma once

#include <filesystem>

#include "dynamus/core/status.h"

namespace dynamus::batch {

class FolderLock {
 public:
  // Creates the folder and locks DIR/.lock (flock, released when the process ends however it
  // ends). kUnreadable when another process holds it or the folder cannot be written.
  static Result<FolderLock> acquire(const std::filesystem::path& dir);
  FolderLock(FolderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FolderLock& operator=(FolderLock&&) = delete;
  ~FolderLock();

 private:
  explicit FolderLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Removes every "<name>.tmp-*" entry of the folder (work of a run that was killed); returns how
// many. Only safe under the folder's lock.
int remove_stale_temporaries(const std::filesystem::path& studies_dir);

// A study folder's temporary name while it is being written.
std::filesystem::path temporary_study_folder(const std::filesystem::path& studies_dir,
                                             const std::string& key);

// Replaces `final_dir` by the complete `temporary_dir` (rename; an old final folder is removed
// first). kUnreadable naming the folder on failure.
Status put_study_folder_in_place(const std::filesystem::path& temporary_dir,
                                 const std::filesystem::path& final_dir);

}  // namespace dynamus::batch
