// Formats are recognised by content: a renamed file is still what it is.
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "dynamus/imaging/load.h"
#include "realdata.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::TempDir;

void write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

TEST(DetectFormat, ByMagicBytesNotByExtension) {
  TempDir dir;
  cv::imwrite((dir / "real.png").string(), cv::Mat(4, 4, CV_8UC1, cv::Scalar(1)));
  std::filesystem::rename(dir / "real.png", dir / "looks_like.dcm");
  EXPECT_EQ(*detect_format(dir / "looks_like.dcm"), InputFormat::kImage);

  write(dir / "a.bin", std::string(128, '\0') + "DICM" + std::string(20, '\0'));
  EXPECT_EQ(*detect_format(dir / "a.bin"), InputFormat::kDicom);
  write(dir / "b.bin", "NRRD0004\ntype: short\n");
  EXPECT_EQ(*detect_format(dir / "b.bin"), InputFormat::kNrrd);
  write(dir / "c.bin", "ObjectType = Image\nNDims = 3\nElementDataFile = LOCAL\n");
  EXPECT_EQ(*detect_format(dir / "c.bin"), InputFormat::kMetaImage);
  write(dir / "d.bin", std::string("\0\0\0\x20"
                                   "ftypisom",
                                   12));
  EXPECT_EQ(*detect_format(dir / "d.bin"), InputFormat::kVideo);
  write(dir / "e.bin", std::string("RIFF\x10\0\0\0"
                                   "AVI LIST",
                                   16));
  EXPECT_EQ(*detect_format(dir / "e.bin"), InputFormat::kVideo);
  EXPECT_EQ(*detect_format(dir.path()), InputFormat::kImageFolder);
}

TEST(DetectFormat, UnknownEmptyAndMissingAreDistinctErrors) {
  TempDir dir;
  write(dir / "text.dcm", "hello, this is not an image at all\n");
  EXPECT_EQ(detect_format(dir / "text.dcm").status().code(), StatusCode::kUnsupported);
  write(dir / "empty.dcm", "");
  EXPECT_EQ(detect_format(dir / "empty.dcm").status().code(), StatusCode::kInvalidData);
  Result<InputFormat> missing = detect_format(dir / "missing.dcm");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().context(), (dir / "missing.dcm").string());
}

TEST(DetectFormat, RealPlusSequencesAreMetaImageOrNrrd) {
  DYNAMUS_REQUIRE_REALDATA(mha, "plus/NwirePhantomFreehandCropped.igs.mha");
  DYNAMUS_REQUIRE_REALDATA(mhd, "plus/Prostate10_video.igs.mhd");
  DYNAMUS_REQUIRE_REALDATA(nrrd, "plus/NrrdSample.igs.nrrd");
  EXPECT_EQ(*detect_format(mha), InputFormat::kMetaImage);
  EXPECT_EQ(*detect_format(mhd), InputFormat::kMetaImage);
  EXPECT_EQ(*detect_format(nrrd), InputFormat::kNrrd);
}

}  // namespace
}  // namespace dynamus::imaging
