// Hostile MetaImage files, written as text in the test: sizes needing terabytes, data files that
// are the header itself, a folder or a device, impossible spacing and timestamps, keys too long
// for ITK's MetaIO. Each is a clean error naming the file (or a read with sane values), within
// bounded memory (hostile_load.h).
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "hostile_load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::ChildOutcome;
using testing::TempDir;

std::string header(const std::string& dim_size, const std::string& spacing,
                   const std::string& extra, const std::string& data_file) {
  return "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
         "CompressedData = False\nDimSize = " +
         dim_size + "\nElementSpacing = " + spacing + "\nElementType = MET_UCHAR\n" + extra +
         "ElementDataFile = " + data_file + "\n";
}

std::filesystem::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  return write_file(dir / name, text);
}

const std::string kFrames(4 * 3 * 2, '\x40');

TEST(HostileMetaImage, DimSizeOfTerabytesIsRefusedBeforeReading) {
  TempDir dir;
  for (const char* dims : {"100000 100000 100000", "4294967295 4294967295 4294967295"}) {
    const ChildOutcome outcome =
        expect_clean_error(write(dir, "huge.mha", header(dims, "0.2 0.2 1", "", "LOCAL") + kFrames),
                           StatusCode::kTooLarge);
    EXPECT_NE(outcome.text.find("declares"), std::string::npos) << outcome.text;
  }
}

TEST(HostileMetaImage, ZeroFramesIsAnError) {
  TempDir dir;
  const ChildOutcome outcome = testing::run_bounded(
      [&] {
        const auto path = write(dir, "zero.mha", header("4 3 0", "0.2 0.2 1", "", "LOCAL"));
        const Result<CineLoop> loop = load(path, no_sidecar());
        return loop.ok() ? ok_status() : loop.status();
      },
      kChildHeadroom);
  EXPECT_TRUE(outcome.exited) << "signal " << outcome.signal;
  EXPECT_NE(int(outcome.code), int(StatusCode::kOk)) << outcome.text;
  EXPECT_NE(int(outcome.code), int(StatusCode::kInternal)) << outcome.text;
}

TEST(HostileMetaImage, ElementDataFileNamingTheHeaderItselfIsTruncated) {
  TempDir dir;
  const auto path = write(dir, "self.mhd", header("64 64 2", "0.2 0.2 1", "", "self.mhd"));
  expect_refusal(path, StatusCode::kInvalidData, "truncated");
}

TEST(HostileMetaImage, ElementDataFileNamingAFolderOrADeviceIsUnreadable) {
  TempDir dir;
  std::filesystem::create_directory(dir / "folder");
  for (const char* data_file : {"folder", "/dev/zero"}) {
    const auto path = write(dir, "odd.mhd", header("4 3 2", "0.2 0.2 1", "", data_file));
    expect_clean_error(path, StatusCode::kUnreadable);
  }
}

TEST(HostileMetaImage, MissingElementDataFileIsInvalidData) {
  // Without the line MetaIO would read the pixel bytes as header lines.
  TempDir dir;
  std::string text = header("4 3 2", "0.2 0.2 1", "", "LOCAL");
  text.erase(text.find("ElementDataFile"));
  expect_clean_error(write(dir, "no_data_file.mha", text + kFrames), StatusCode::kInvalidData);
}

TEST(HostileMetaImage, ElementDataFileWithoutItsValueIsInvalidData) {
  // MetaIO looks for the '=' further on, in the pixel data, and reads on from there (found by
  // fuzzing, where MetaIO then overflowed a buffer: "ElementDataFile\r" before binary data).
  TempDir dir;
  std::string text = header("4 3 2", "0.2 0.2 1", "", "LOCAL");
  text.replace(text.find("ElementDataFile"), std::string::npos, "ElementDataFile\r");
  expect_refusal(write(dir, "no_value.mha", text + std::string(300, 'Q') + " = 1\n" + kFrames),
                 StatusCode::kInvalidData, "ElementDataFile line has no '=' and no value");
}

TEST(HostileMetaImage, ListOfSliceFilesIsUnsupported) {
  // MetaIO read the lines after "LIST" as file names and sized a buffer from one it could not
  // measure: 2^63 bytes (found by fuzzing).
  TempDir dir;
  expect_refusal(
      write(dir, "list.mha", header("4 3 2", "0.2 0.2 1", "", "LIST") + "slice0.raw\nslice1.raw\n"),
      StatusCode::kUnsupported, "ElementDataFile = LIST (a file per slice) is not supported");
}

TEST(HostileMetaImage, KeyLongerThanMetaIoHoldsIsInvalidData) {
  // ITK 5.2 copies keys into 255 bytes unchecked: 300 would overflow it.
  TempDir dir;
  const std::string extra = std::string(300, 'K') + " = 1\n";
  expect_refusal(write(dir, "long_key.mha", header("4 3 2", "0.2 0.2 1", extra, "LOCAL") + kFrames),
                 StatusCode::kInvalidData, "300 characters");
}

TEST(HostileMetaImage, KeyGivenTwiceIsReadWithItsLastValueAsMetaIoDoes) {
  // Found by fuzzing: CompressedData False, then True with half its zlib stream. The checks took
  // the first value and left the data unchecked; MetaIO took the last and inflated for ever.
  TempDir dir;
  const std::string pixels(64 * 48 * 2, '\x40');
  std::vector<Bytef> zlib(compressBound(uLong(pixels.size())));
  uLongf zlib_bytes = uLongf(zlib.size());
  ASSERT_EQ(compress2(zlib.data(), &zlib_bytes, reinterpret_cast<const Bytef*>(pixels.data()),
                      uLong(pixels.size()), 9),
            Z_OK);
  const std::string half(reinterpret_cast<const char*>(zlib.data()), zlib_bytes / 2);
  const std::string second =
      "CompressedData = True\nCompressedDataSize = " + std::to_string(zlib_bytes) + "\n";
  expect_refusal(write(dir, "twice.mha", header("64 48 2", "0.2 0.2 1", second, "LOCAL") + half),
                 StatusCode::kInvalidData, "compressed pixel data");
  // With the whole stream the same header reads: the last value counts.
  const std::string whole(reinterpret_cast<const char*>(zlib.data()), zlib_bytes);
  const Result<CineLoop> loop =
      load(write(dir, "once.mha", header("64 48 2", "0.2 0.2 1", second, "LOCAL") + whole),
           no_sidecar());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->frame_count(), 2);
}

TEST(HostileMetaImage, NegativeOrZeroSpacingGivesNoCalibration) {
  TempDir dir;
  for (const char* spacing : {"-0.2 0.2 1", "0 0.2 1", "0 0 1"}) {
    const auto path = write(dir, "spacing.mha", header("4 3 2", spacing, "", "LOCAL") + kFrames);
    const Result<CineLoop> loop = load(path, no_sidecar());
    ASSERT_TRUE(loop.ok()) << spacing << ": " << loop.status().to_string();
    EXPECT_EQ(loop->calibration().source, CalibrationSource::kNone) << spacing;
    EXPECT_FALSE(loop->calibration().spacing_mm) << spacing;
  }
}

TEST(HostileMetaImage, NanOrInfiniteSpacingIsUnreadable) {
  // MetaIO parses neither "nan" nor "inf" as a number, 1e999 is out of range: the header is
  // refused.
  TempDir dir;
  for (const char* spacing : {"nan 0.2 1", "0.2 -inf 1", "1e999 0.2 1"}) {
    expect_clean_error(write(dir, "nan.mha", header("4 3 2", spacing, "", "LOCAL") + kFrames),
                       StatusCode::kUnreadable);
  }
}

TEST(HostileMetaImage, NanOrInfiniteTimestampIsInvalidData) {
  TempDir dir;
  for (const char* t : {"nan", "inf", "-inf"}) {
    const std::string extra =
        std::string("Seq_Frame0000_Timestamp = 1\nSeq_Frame0001_Timestamp = ") + t + "\n";
    const auto path = write(dir, "t.mha", header("4 3 2", "0.2 0.2 1", extra, "LOCAL") + kFrames);
    const ChildOutcome outcome = expect_clean_error(path, StatusCode::kInvalidData);
    EXPECT_NE(outcome.text.find("timestamp"), std::string::npos) << outcome.text;
  }
}

}  // namespace
}  // namespace dynamus::imaging
