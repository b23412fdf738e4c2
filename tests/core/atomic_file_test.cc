// write_file_atomically: the target is replaced only by a complete file, and a failed write leaves
// the old file and no temporary behind.
#include "dynamus/core/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace dynamus {
namespace {

using testing::TempDir;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> file_names(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(AtomicFile, SuccessReplacesTheFileThroughAHiddenTemporaryWithTheSameExtension) {
  TempDir dir;
  const auto path = dir / "loop.mp4";
  write_text(path, "old");
  std::filesystem::path seen;
  const Status status = write_file_atomically(path, [&](const std::filesystem::path& temporary) {
    seen = temporary;
    EXPECT_TRUE(std::filesystem::exists(temporary)) << "the temporary is created empty";
    EXPECT_EQ(read_text(path), "old") << "the target is untouched while writing";
    write_text(temporary, "new");
    return ok_status();
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(read_text(path), "new");
  EXPECT_EQ(seen.parent_path(), dir.path());
  EXPECT_EQ(seen.extension(), ".mp4");
  EXPECT_EQ(seen.filename().string().rfind(".loop.tmp-" + std::to_string(::getpid()) + "-", 0), 0u)
      << seen;
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"loop.mp4"});
}

TEST(AtomicFile, ConsecutiveWritesUseDistinctTemporaries) {
  TempDir dir;
  std::vector<std::filesystem::path> seen;
  for (int i = 0; i < 2; ++i) {
    const Status status =
        write_file_atomically(dir / "a.txt", [&](const std::filesystem::path& temporary) {
          seen.push_back(temporary);
          write_text(temporary, std::to_string(i));
          return ok_status();
        });
    ASSERT_TRUE(status.ok()) << status.to_string();
  }
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_EQ(read_text(dir / "a.txt"), "1");
}

TEST(AtomicFile, WriterErrorKeepsTheOldFileRemovesTheTemporaryAndNamesThePath) {
  TempDir dir;
  const auto path = dir / "result.dcm";
  write_text(path, "old");
  const Status status = write_file_atomically(path, [](const std::filesystem::path& temporary) {
    write_text(temporary, "half");
    return Status(StatusCode::kInternal, "encoder failed", temporary.string());
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message(), "encoder failed");
  EXPECT_EQ(status.context(), path.string());
  EXPECT_EQ(read_text(path), "old");
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"result.dcm"});
}

TEST(AtomicFile, MissingFolderIsNotFoundAndNothingIsCreated) {
  TempDir dir;
  const auto path = dir / "missing" / "out.dcm";
  bool called = false;
  const Status status = write_file_atomically(path, [&](const std::filesystem::path&) {
    called = true;
    return ok_status();
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.context(), path.string());
  EXPECT_NE(status.message().find("does not exist"), std::string::npos) << status.message();
  EXPECT_FALSE(called);
  EXPECT_TRUE(file_names(dir.path()).empty());
}

TEST(AtomicFile, FolderThatIsAFileIsReportedWithoutCallingTheWriter) {
  TempDir dir;
  write_text(dir / "file", "x");
  const auto path = dir / "file" / "out.dcm";
  bool called = false;
  const Status status = write_file_atomically(path, [&](const std::filesystem::path&) {
    called = true;
    return ok_status();
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.context(), path.string());
  EXPECT_FALSE(called);
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"file"});
}

TEST(AtomicFile, UnwritableFolderKeepsTheOldFile) {
  TempDir dir;
  const auto folder = dir / "read_only";
  std::filesystem::create_directory(folder);
  write_text(folder / "out.dcm", "old");
  std::filesystem::permissions(
      folder, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::access(folder.c_str(), W_OK) == 0) {
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
    GTEST_SKIP() << "this user (root?) can write into a read-only folder";
  }
  bool called = false;
  const Status status =
      write_file_atomically(folder / "out.dcm", [&](const std::filesystem::path&) {
        called = true;
        return ok_status();
      });
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
  EXPECT_EQ(status.code(), StatusCode::kUnreadable);
  EXPECT_EQ(status.context(), (folder / "out.dcm").string());
  EXPECT_NE(status.message().find("cannot create"), std::string::npos) << status.message();
  EXPECT_FALSE(called);
  EXPECT_EQ(read_text(folder / "out.dcm"), "old");
  EXPECT_EQ(file_names(folder), std::vector<std::string>{"out.dcm"});
}

// procfs refuses new files even to root, for whom a read-only folder is still writable.
TEST(AtomicFile, FolderRefusingNewFilesIsReportedWithoutCallingTheWriter) {
  const std::filesystem::path path = "/proc/dynamus_atomic_file_test.dcm";
  bool called = false;
  const Status status = write_file_atomically(path, [&](const std::filesystem::path&) {
    called = true;
    return ok_status();
  });
  EXPECT_EQ(status.code(), StatusCode::kUnreadable);
  EXPECT_EQ(status.context(), path.string());
  EXPECT_NE(status.message().find("cannot create a temporary file in /proc"), std::string::npos)
      << status.message();
  EXPECT_FALSE(called);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(AtomicFile, WriterThatProducesNoFileFailsOnRenameAndKeepsTheOldFile) {
  TempDir dir;
  const auto path = dir / "out.mp4";
  write_text(path, "old");
  const Status status = write_file_atomically(path, [](const std::filesystem::path& temporary) {
    std::filesystem::remove(temporary);  // as a writer that silently gives up might
    return ok_status();
  });
  EXPECT_EQ(status.code(), StatusCode::kUnreadable);
  EXPECT_EQ(status.context(), path.string());
  EXPECT_EQ(read_text(path), "old");
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"out.mp4"});
}

}  // namespace
}  // namespace dynamus
