// read_plus_sequence on the PLUS toolkit's own test sequences (expected values read from the
// header text and from an independent decode of the pixel data with Python's zlib/gzip) and on
// small hand-written MetaImage and NRRD files for the edge cases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <numeric>
#include <string>
#include <vector>

#include "io/decoded_cine.h"
#include "realdata.h"

namespace dynamus::imaging::io {
namespace {

constexpr std::uint64_t kMaxMemoryBytes = std::uint64_t{1} << 30;

std::uint64_t frame_sum(const DecodedCine& cine, int frame) {
  const std::size_t size = std::size_t(cine.width_px) * std::size_t(cine.height_px);
  const auto first = cine.pixels.begin() + std::ptrdiff_t(std::size_t(frame) * size);
  return std::accumulate(first, first + std::ptrdiff_t(size), std::uint64_t{0});
}

bool frame_varies(const DecodedCine& cine, int frame) {
  const std::size_t size = std::size_t(cine.width_px) * std::size_t(cine.height_px);
  const auto first = cine.pixels.begin() + std::ptrdiff_t(std::size_t(frame) * size);
  const auto [low, high] = std::minmax_element(first, first + std::ptrdiff_t(size));
  return *low != *high;
}

std::uint8_t pixel(const DecodedCine& cine, int frame, int x, int y) {
  return cine.pixels[(std::size_t(frame) * std::size_t(cine.height_px) + std::size_t(y)) *
                         std::size_t(cine.width_px) +
                     std::size_t(x)];
}

bool has_warning(const DecodedCine& cine, const std::string& text) {
  return std::any_of(cine.warnings.begin(), cine.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

// PLUS's "ElementSpacing = 1 1 1" placeholder: no calibration, and a warning that says why.
void expect_placeholder_spacing_uncalibrated(const DecodedCine& cine) {
  EXPECT_EQ(cine.calibration.source, CalibrationSource::kNone);
  EXPECT_FALSE(cine.calibration.spacing_mm.has_value()) << "never a silent 1 mm";
  EXPECT_TRUE(has_warning(cine, "placeholder for an uncalibrated image"));
}

void expect_spacing(const DecodedCine& cine, double x_mm, double y_mm) {
  EXPECT_EQ(cine.calibration.source, CalibrationSource::kPixelSpacing);
  ASSERT_TRUE(cine.calibration.spacing_mm.has_value());
  EXPECT_DOUBLE_EQ((*cine.calibration.spacing_mm)[0], x_mm);
  EXPECT_DOUBLE_EQ((*cine.calibration.spacing_mm)[1], y_mm);
}

// --- The PLUS toolkit's test data (PlusLibData) ----------------------------------------------

TEST(PlusSequenceRealData, NwirePhantomZlibWithTimestamps) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/NwirePhantomFreehandCropped.igs.mha");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 20);
  EXPECT_EQ(cine->width_px, 200);
  EXPECT_EQ(cine->height_px, 150);
  EXPECT_EQ(cine->source.format, "metaimage");
  EXPECT_EQ(cine->source.codec, "zlib");
  EXPECT_EQ(cine->source.width_px, 200);
  EXPECT_EQ(cine->source.height_px, 150);
  EXPECT_FALSE(cine->region_px.has_value());
  // "ElementSpacing = 1 1 1" is PLUS's placeholder, not a calibration.
  expect_placeholder_spacing_uncalibrated(*cine);
  // Seq_Frame0000_Timestamp = 345.627957, ..0001.. = 345.706100, ..0019.. = 347.658686.
  EXPECT_EQ(cine->timing.source, TimingSource::kFrameTimestamps);
  ASSERT_EQ(cine->timing.timestamps_s.size(), 20u);
  EXPECT_DOUBLE_EQ(cine->timing.timestamps_s[0], 0.0);
  EXPECT_NEAR(cine->timing.timestamps_s[1], 345.706100 - 345.627957, 1e-9);
  EXPECT_NEAR(cine->timing.timestamps_s[19], 347.658686 - 345.627957, 1e-9);
  // MFA is the loop's own orientation: no flip, so the sums match the stored frames.
  EXPECT_FALSE(has_warning(*cine, "flipped"));
  EXPECT_EQ(frame_sum(*cine, 0), 75381u);
  EXPECT_EQ(frame_sum(*cine, 19), 66093u);
  EXPECT_TRUE(frame_varies(*cine, 0));
}

TEST(PlusSequenceRealData, WaterTankLongZlibSequence) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/WaterTankBottomTranslationVideoBuffer.igs.mha");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 201);
  EXPECT_EQ(cine->width_px, 820);
  EXPECT_EQ(cine->height_px, 616);
  EXPECT_EQ(cine->source.codec, "zlib");
  expect_placeholder_spacing_uncalibrated(*cine);
  // Seq_Frame0000_Timestamp = 7417.731300, Seq_Frame0200_Timestamp = 7435.148643.
  EXPECT_EQ(cine->timing.source, TimingSource::kFrameTimestamps);
  ASSERT_EQ(cine->timing.timestamps_s.size(), 201u);
  EXPECT_DOUBLE_EQ(cine->timing.timestamps_s.front(), 0.0);
  EXPECT_NEAR(cine->timing.timestamps_s.back(), 7435.148643 - 7417.731300, 1e-9);
  EXPECT_EQ(frame_sum(*cine, 0), 121224u);
  EXPECT_EQ(frame_sum(*cine, 200), 235047u);
  EXPECT_TRUE(frame_varies(*cine, 100));
}

TEST(PlusSequenceRealData, BkMedicalWithoutTimestamps) {
  DYNAMUS_REQUIRE_REALDATA(
      path, "plus/SegmentationTest_BKMedical_RandomStepperMotionData2_Trimmed.igs.mha");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 6);
  EXPECT_EQ(cine->width_px, 640);
  EXPECT_EQ(cine->height_px, 480);
  EXPECT_EQ(cine->source.codec, "zlib");
  expect_placeholder_spacing_uncalibrated(*cine);
  // Only Seq_FrameNNNN_ImageStatus lines: no timing is invented.
  EXPECT_EQ(cine->timing.source, TimingSource::kUnknown);
  EXPECT_TRUE(cine->timing.timestamps_s.empty());
  EXPECT_EQ(frame_sum(*cine, 0), 2471473u);
  EXPECT_EQ(frame_sum(*cine, 5), 2522468u);
}

TEST(PlusSequenceRealData, Prostate10DetachedRawWithSpacing) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/Prostate10_video.igs.mhd");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 10);
  EXPECT_EQ(cine->width_px, 640);
  EXPECT_EQ(cine->height_px, 480);
  EXPECT_EQ(cine->source.format, "metaimage");
  EXPECT_EQ(cine->source.codec, "raw");
  // "ElementSpacing = 0.3 0.3 1".
  expect_spacing(*cine, 0.3, 0.3);
  EXPECT_EQ(cine->calibration.detail, "ElementSpacing");
  EXPECT_FALSE(has_warning(*cine, "1 mm per pixel"));
  // The header numbers its frame fields 0000, 0001, 0003, ..., 0009: frame 2 has no timestamp, so
  // the timestamps cannot be assigned to frames and none are used.
  EXPECT_EQ(cine->timing.source, TimingSource::kUnknown);
  EXPECT_TRUE(cine->timing.timestamps_s.empty());
  EXPECT_TRUE(has_warning(*cine, "missing for 1 of 10 frames (first: frame 2)"));
  EXPECT_EQ(frame_sum(*cine, 0), 5291047u);
  EXPECT_EQ(frame_sum(*cine, 9), 4783224u);
}

TEST(PlusSequenceRealData, UltrasonixSingle2dImage) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/UltrasonixLinearScanConvertedData.igs.mha");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 1);
  EXPECT_EQ(cine->width_px, 260);
  EXPECT_EQ(cine->height_px, 400);
  EXPECT_EQ(cine->source.codec, "raw");
  expect_placeholder_spacing_uncalibrated(*cine);
  // Seq_Frame0000_Timestamp = 116.045605: one frame at t = 0.
  EXPECT_EQ(cine->timing.source, TimingSource::kFrameTimestamps);
  EXPECT_EQ(cine->timing.timestamps_s, std::vector<double>{0.0});
  EXPECT_FALSE(has_warning(*cine, "no frame timing"));
  EXPECT_EQ(frame_sum(*cine, 0), 4929946u);
}

TEST(PlusSequenceRealData, Int16NrrdMappedWithWarning) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/NrrdSample.igs.nrrd");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 1);
  EXPECT_EQ(cine->width_px, 256);
  EXPECT_EQ(cine->height_px, 256);
  EXPECT_EQ(cine->source.format, "nrrd");
  EXPECT_EQ(cine->source.codec, "gzip");
  // "space directions: (1,0) (0,1)".
  expect_placeholder_spacing_uncalibrated(*cine);
  EXPECT_EQ(cine->timing.source, TimingSource::kUnknown);
  EXPECT_FALSE(has_warning(*cine, "no frame timing"));
  // The stored int16 values span 0..183; mapped to 0..255 they sum to 3881109.
  EXPECT_TRUE(has_warning(*cine, "16-bit signed data mapped linearly from [0, 183] to 8-bit"));
  EXPECT_EQ(frame_sum(*cine, 0), 3881109u);
}

TEST(PlusSequenceRealData, RgbNrrdBecomesLuma) {
  DYNAMUS_REQUIRE_REALDATA(path, "plus/ColorNrrdSample.igs.nrrd");
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 1);
  EXPECT_EQ(cine->width_px, 1152);
  EXPECT_EQ(cine->height_px, 648);
  EXPECT_EQ(cine->source.codec, "gzip");
  // "space directions: none (1,0) (0,1)": the vector axis has none.
  expect_placeholder_spacing_uncalibrated(*cine);
  EXPECT_FALSE(has_warning(*cine, "mapped linearly"));
  // Pixel (21, 13) is RGB (255, 128, 0): BT.601 luma 151 (read as BGR it would be 104).
  EXPECT_NEAR(pixel(*cine, 0, 21, 13), 151, 1);
  // Mean luma 242.75; the channel means are R 240.91, G 243.13, B 245.68.
  const double mean = double(frame_sum(*cine, 0)) / (1152.0 * 648.0);
  EXPECT_NEAR(mean, 242.751, 0.01);
}

// --- Hand-written files ----------------------------------------------------------------------

class PlusSequenceSynthetic : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dynamus_plus_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

// A MetaImage header as PLUS writes it, ending at the ElementDataFile line; `extra` goes before
// that line (per-frame fields, orientation, ...). Spacing 0.2 x 0.25 mm unless left out.
std::string mha_header(const std::string& dim_size, const std::string& extra,
                       const std::string& data_file = "LOCAL", bool with_spacing = true) {
  const int dims = int(std::count(dim_size.begin(), dim_size.end(), ' ')) + 1;
  const std::string spacing =
      with_spacing ? (dims == 2 ? "ElementSpacing = 0.2 0.25\n" : "ElementSpacing = 0.2 0.25 1\n")
                   : "";
  return "ObjectType = Image\nNDims = " + std::to_string(dims) +
         "\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = False\n"
         "DimSize = " +
         dim_size + "\n" + spacing + "ElementType = MET_UCHAR\n" + extra +
         "ElementDataFile = " + data_file + "\n";
}

// Frame f, pixel (x, y) holds f * 50 + y * 10 + x.
std::string ramp_frames(int width, int height, int frames) {
  std::string bytes;
  for (int f = 0; f < frames; ++f) {
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) bytes.push_back(char(f * 50 + y * 10 + x));
    }
  }
  return bytes;
}

std::string timestamps(const std::vector<std::string>& values) {
  std::string lines;
  for (std::size_t i = 0; i < values.size(); ++i) {
    lines += "Seq_Frame000" + std::to_string(i) + "_Timestamp = " + values[i] + "\n";
  }
  return lines;
}

// A zlib stream of stored (uncompressed) deflate blocks: what CompressedData = True expects,
// without needing a compressor in the test.
std::string zlib_stored(const std::string& data) {
  std::string stream = "\x78\x01";
  std::size_t offset = 0;
  do {
    const std::size_t length = std::min<std::size_t>(data.size() - offset, 65535);
    const bool last = offset + length == data.size();
    stream.push_back(last ? '\x01' : '\x00');
    stream.push_back(char(length & 0xff));
    stream.push_back(char(length >> 8));
    stream.push_back(char(~length & 0xff));
    stream.push_back(char((~length >> 8) & 0xff));
    stream += data.substr(offset, length);
    offset += length;
  } while (offset < data.size());
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  const std::uint32_t adler = (b << 16) | a;
  for (int shift = 24; shift >= 0; shift -= 8) stream.push_back(char((adler >> shift) & 0xff));
  return stream;
}

std::string compressed_mha(const std::string& dim_size, const std::string& stream) {
  std::string header = mha_header(dim_size, "");
  const std::string plain = "CompressedData = False\n";
  header.replace(
      header.find(plain), plain.size(),
      "CompressedData = True\nCompressedDataSize = " + std::to_string(stream.size()) + "\n");
  return header + stream;
}

TEST_F(PlusSequenceSynthetic, TimestampsRelativeToFirstFrame) {
  const auto path = write(
      "t.mha", mha_header("4 3 3", timestamps({"10.5", "10.6", "10.75"})) + ramp_frames(4, 3, 3));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->timing.source, TimingSource::kFrameTimestamps);
  ASSERT_EQ(cine->timing.timestamps_s.size(), 3u);
  EXPECT_DOUBLE_EQ(cine->timing.timestamps_s[0], 0.0);
  EXPECT_NEAR(cine->timing.timestamps_s[1], 0.1, 1e-12);
  EXPECT_NEAR(cine->timing.timestamps_s[2], 0.25, 1e-12);
  expect_spacing(*cine, 0.2, 0.25);
  EXPECT_TRUE(cine->warnings.empty()) << cine->warnings.front();
  EXPECT_EQ(pixel(*cine, 2, 3, 1), 2 * 50 + 10 + 3);
}

TEST_F(PlusSequenceSynthetic, DuplicateTimestampIsInvalidData) {
  const auto path = write(
      "dup.mha", mha_header("4 3 3", timestamps({"1.0", "2.0", "2.0"})) + ramp_frames(4, 3, 3));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(cine.status().message().find("frame 2"), std::string::npos) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, DecreasingTimestampIsInvalidData) {
  const auto path = write(
      "back.mha", mha_header("4 3 3", timestamps({"1.0", "0.5", "2.0"})) + ramp_frames(4, 3, 3));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(cine.status().message().find("frame 1"), std::string::npos) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, UnreadableTimestampIsInvalidData) {
  const auto path =
      write("text.mha", mha_header("4 3 2", timestamps({"1.0", "soon"})) + ramp_frames(4, 3, 2));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
}

TEST_F(PlusSequenceSynthetic, HugeDeclaredSizeIsTooLargeBeforeReading) {
  const auto path = write("huge.mha", mha_header("100000 100000 1000", "") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kTooLarge) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, TruncatedDetachedRawIsInvalidData) {
  write("short.raw", ramp_frames(4, 3, 5).substr(0, 31));
  const auto path = write("short.mhd", mha_header("4 3 5", "", "short.raw"));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(cine.status().message().find("truncated"), std::string::npos)
      << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, TruncatedLocalRawIsInvalidData) {
  const auto path =
      write("short.mha", mha_header("4 3 5", "") + ramp_frames(4, 3, 5).substr(0, 40));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
}

TEST_F(PlusSequenceSynthetic, MissingDetachedRawIsUnreadable) {
  const auto path = write("lonely.mhd", mha_header("4 3 5", "", "absent.raw"));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kUnreadable) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, CompressedDataReads) {
  const std::string frames = ramp_frames(4, 3, 5);
  const auto path = write("z.mha", compressed_mha("4 3 5", zlib_stored(frames)));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->source.codec, "zlib");
  EXPECT_EQ(std::string(cine->pixels.begin(), cine->pixels.end()), frames);
}

TEST_F(PlusSequenceSynthetic, TruncatedCompressedDataIsInvalidData) {
  const std::string stream = zlib_stored(ramp_frames(4, 3, 5));
  const auto path = write("zshort.mha", compressed_mha("4 3 5", stream.substr(0, 30)));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, CorruptCompressedDataIsInvalidData) {
  const auto path = write("zbad.mha", compressed_mha("4 3 5", std::string(80, '\x5a')));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, MissingElementSpacingHasNoCalibration) {
  const auto path =
      write("nospacing.mha", mha_header("4 3 2", "", "LOCAL", false) + ramp_frames(4, 3, 2));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->calibration.source, CalibrationSource::kNone);
  EXPECT_FALSE(cine->calibration.spacing_mm.has_value());
}

TEST_F(PlusSequenceSynthetic, InvalidFramesAreDropped) {
  const std::string fields = timestamps({"1.0", "1.1", "1.2"}) +
                             "Seq_Frame0000_ImageStatus = OK\nSeq_Frame0001_ImageStatus = INVALID\n"
                             "Seq_Frame0002_ImageStatus = OK\n";
  const auto path = write("invalid.mha", mha_header("4 3 3", fields) + ramp_frames(4, 3, 3));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 2);
  EXPECT_EQ(pixel(*cine, 1, 0, 0), 100);  // the file's frame 2
  ASSERT_EQ(cine->timing.timestamps_s.size(), 2u);
  EXPECT_NEAR(cine->timing.timestamps_s[1], 0.2, 1e-12);
  EXPECT_TRUE(has_warning(*cine, "dropped 1 of 3 frames"));
}

TEST_F(PlusSequenceSynthetic, AllFramesInvalidIsInvalidData) {
  const auto path =
      write("allbad.mha",
            mha_header("4 3 1", "Seq_Frame0000_ImageStatus = INVALID\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData);
}

TEST_F(PlusSequenceSynthetic, MissingTimestampDropsTiming) {
  const auto path = write("gap.mha", mha_header("4 3 3",
                                                "Seq_Frame0000_Timestamp = 1\n"
                                                "Seq_Frame0002_Timestamp = 3\n") +
                                         ramp_frames(4, 3, 3));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->timing.source, TimingSource::kUnknown);
  EXPECT_TRUE(cine->timing.timestamps_s.empty());
  EXPECT_TRUE(has_warning(*cine, "first: frame 1"));
}

TEST_F(PlusSequenceSynthetic, UnOrientationFlipsBothAxes) {
  const auto path = write(
      "un.mha", mha_header("4 3 1", "UltrasoundImageOrientation = UNA\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(pixel(*cine, 0, 0, 0), 2 * 10 + 3);
  EXPECT_EQ(pixel(*cine, 0, 3, 2), 0);
  EXPECT_TRUE(has_warning(*cine, "flipped left-right and top-bottom"));
}

TEST_F(PlusSequenceSynthetic, MnOrientationFlipsVertically) {
  const auto path = write(
      "mn.mha", mha_header("4 3 1", "UltrasoundImageOrientation = MN\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(pixel(*cine, 0, 1, 0), 2 * 10 + 1);
  EXPECT_EQ(pixel(*cine, 0, 1, 2), 1);
  EXPECT_TRUE(has_warning(*cine, "flipped top-bottom"));
}

TEST_F(PlusSequenceSynthetic, UnknownOrientationIsUsedAsStoredWithWarning) {
  const auto path = write(
      "xx.mha", mha_header("4 3 1", "UltrasoundImageOrientation = XX\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(pixel(*cine, 0, 1, 2), 21);
  EXPECT_TRUE(has_warning(*cine, "not a known orientation"));
}

TEST_F(PlusSequenceSynthetic, TransposedOrientationIsUnsupported) {
  const auto path = write(
      "fm.mha", mha_header("4 3 1", "UltrasoundImageOrientation = FM\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kUnsupported);
}

TEST_F(PlusSequenceSynthetic, RfDataIsUnsupported) {
  const auto path = write(
      "rf.mha", mha_header("4 3 1", "UltrasoundImageType = RF_REAL\n") + ramp_frames(4, 3, 1));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kUnsupported);
}

TEST_F(PlusSequenceSynthetic, RgbMetaImageBecomesLuma) {
  std::string header = mha_header("2 2", "");
  header.insert(header.find("ElementType"), "ElementNumberOfChannels = 3\n");
  const std::string rgb("\xff\x00\x00\x00\xff\x00\x00\x00\xff\xff\xff\xff", 12);
  const auto path = write("rgb.mha", header + rgb);
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  ASSERT_EQ(cine->pixels.size(), 4u);
  // BT.601: 0.299 R + 0.587 G + 0.114 B.
  EXPECT_NEAR(cine->pixels[0], 76, 1);
  EXPECT_NEAR(cine->pixels[1], 150, 1);
  EXPECT_NEAR(cine->pixels[2], 29, 1);
  EXPECT_EQ(cine->pixels[3], 255);
}

TEST_F(PlusSequenceSynthetic, Int16IsMappedOverTheWholeLoop) {
  std::string header = mha_header("2 1 2", "");
  header.replace(header.find("MET_UCHAR"), 9, "MET_SHORT");
  std::string data;
  for (std::int16_t value : std::initializer_list<std::int16_t>{-100, 0, 100, 50}) {
    data.push_back(char(value & 0xff));
    data.push_back(char((value >> 8) & 0xff));
  }
  const auto path = write("s16.mha", header + data);
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->pixels, (std::vector<std::uint8_t>{0, 128, 255, 191}));
  EXPECT_TRUE(has_warning(*cine, "16-bit signed data mapped linearly from [-100, 100] to 8-bit"));
}

// PLUS's NRRD layout for 2D+t: the frame axis has the kind "list", per-frame fields are key:=value.
TEST_F(PlusSequenceSynthetic, NrrdListAxisHoldsFrames) {
  const std::string header =
      "NRRD0004\ndimension: 3\nencoding: raw\nendian: little\nkinds: domain domain list\n"
      "sizes: 4 3 5\nspace dimension: 2\nspace directions: (0.2,0) (0,0.3) none\ntype: uint8\n"
      "ultrasound image orientation:=MF\n"
      "Seq_Frame0000_Timestamp:=2.0\nSeq_Frame0001_Timestamp:=2.1\n"
      "Seq_Frame0002_Timestamp:=2.2\nSeq_Frame0003_Timestamp:=2.3\n"
      "Seq_Frame0004_Timestamp:=2.4\nSeq_Frame0003_Status:=OK\n\n";
  const auto path = write("list.nrrd", header + ramp_frames(4, 3, 5));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->source.format, "nrrd");
  EXPECT_EQ(cine->source.codec, "raw");
  EXPECT_EQ(cine->frame_count, 5);
  EXPECT_EQ(cine->width_px, 4);
  EXPECT_EQ(cine->height_px, 3);
  EXPECT_EQ(std::string(cine->pixels.begin(), cine->pixels.end()), ramp_frames(4, 3, 5));
  expect_spacing(*cine, 0.2, 0.3);
  ASSERT_EQ(cine->timing.timestamps_s.size(), 5u);
  EXPECT_NEAR(cine->timing.timestamps_s[4], 0.4, 1e-12);
}

TEST_F(PlusSequenceSynthetic, NrrdWithoutSpacingHasNoCalibration) {
  const std::string header =
      "NRRD0004\ndimension: 3\nencoding: raw\nendian: little\nsizes: 4 3 2\ntype: uint8\n\n";
  const auto path = write("plain.nrrd", header + ramp_frames(4, 3, 2));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_TRUE(cine.ok()) << cine.status().to_string();
  EXPECT_EQ(cine->frame_count, 2);
  EXPECT_EQ(cine->calibration.source, CalibrationSource::kNone);
}

TEST_F(PlusSequenceSynthetic, NrrdColourSequenceIsUnsupported) {
  const std::string header =
      "NRRD0004\ndimension: 4\nencoding: raw\nendian: little\n"
      "kinds: vector domain domain list\nsizes: 3 4 3 5\ntype: uint8\n\n";
  const auto path = write("rgblist.nrrd", header + std::string(std::size_t{3 * 4 * 3 * 5}, '\x10'));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kUnsupported) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, TruncatedNrrdIsInvalidData) {
  const std::string header =
      "NRRD0004\ndimension: 3\nencoding: raw\nendian: little\nsizes: 4 3 5\ntype: uint8\n\n";
  const auto path = write("short.nrrd", header + ramp_frames(4, 3, 5).substr(0, 20));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kInvalidData) << cine.status().message();
}

TEST_F(PlusSequenceSynthetic, MissingFileIsNotFound) {
  Result<DecodedCine> cine = read_plus_sequence(dir_ / "absent.mha", kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kNotFound);
}

TEST_F(PlusSequenceSynthetic, GarbageIsUnreadable) {
  const auto path = write("garbage.mha", std::string(200, '\x07'));
  Result<DecodedCine> cine = read_plus_sequence(path, kMaxMemoryBytes);
  ASSERT_FALSE(cine.ok());
  EXPECT_EQ(cine.status().code(), StatusCode::kUnreadable) << cine.status().message();
}

}  // namespace
}  // namespace dynamus::imaging::io
