// Which studies a batch finds: folder walks (sorted, hidden and companion files skipped),
// manifests, and the errors for what it cannot use.
#include "dynamus/batch/discover.h"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace dynamus::batch {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& path, const std::string& content = "x") {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << content;
}

TEST(Discover, WalksFoldersSortedSkippingHiddenSidecarAndMetaImageDataFiles) {
  testing::TempDir dir;
  touch(dir / "b.dcm");
  touch(dir / "a.dcm");
  touch(dir / "a.dcm.json");      // a sidecar
  touch(dir / "a.truth.json");    // simulator truth
  touch(dir / ".hidden.dcm");     // hidden file
  touch(dir / ".cache/c.dcm");    // hidden folder
  touch(dir / "sub/seq.mhd");     // MetaImage header ...
  touch(dir / "sub/seq.raw");     // ... and its data
  touch(dir / "sub/orphan.raw");  // raw without a header: an input (that will fail)
  touch(dir / "sub/deeper/z.mp4");
  const Result<std::vector<fs::path>> found = discover_inputs({dir.path()});
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  const std::vector<fs::path> expected{dir / "a.dcm", dir / "b.dcm", dir / "sub/deeper/z.mp4",
                                       dir / "sub/orphan.raw", dir / "sub/seq.mhd"};
  EXPECT_EQ(*found, expected);
}

TEST(Discover, ReadsAManifestOfPathsRelativeToItsFolderAndDropsDuplicates) {
  testing::TempDir dir;
  touch(dir / "data/one.dcm");
  touch(dir / "data/frames/0001.png");
  touch(dir / "list.csv",
        "path\r\ndata/one.dcm\n\n\"data/frames\"\n/abs/missing.dcm\ndata/one.dcm\n");
  const Result<std::vector<fs::path>> found =
      discover_inputs({dir / "list.csv", dir / "data/one.dcm"});
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  // The folder is one study (an image sequence); the missing entry is kept for the ledger.
  const std::vector<fs::path> expected{dir / "data/one.dcm", dir / "data/frames",
                                       "/abs/missing.dcm"};
  EXPECT_EQ(*found, expected);
}

TEST(Discover, RefusesUidManifestsBadHeadersAndMissingArguments) {
  testing::TempDir dir;
  touch(dir / "uids.csv", "study_uid\n1.2.3\n");
  touch(dir / "bad.csv", "file\na.dcm\n");
  const Result<std::vector<fs::path>> uids = discover_inputs({dir / "uids.csv"});
  EXPECT_EQ(uids.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(uids.status().message().find("--pacs"), std::string::npos) << uids.status().message();
  EXPECT_EQ(discover_inputs({dir / "bad.csv"}).status().code(), StatusCode::kInvalidArgument);
  const Result<std::vector<fs::path>> missing = discover_inputs({dir / "nothing"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().context(), (dir / "nothing").string());
}

TEST(Discover, ANonDicomFileNamedDicomdirIsAnErrorNamingIt) {
  testing::TempDir dir;
  touch(dir / "DICOMDIR", "not dicom");
  const Result<std::vector<fs::path>> found = discover_inputs({dir.path()});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kUnreadable);
  EXPECT_EQ(found.status().context(), (dir / "DICOMDIR").string());
}

}  // namespace
}  // namespace dynamus::batch
