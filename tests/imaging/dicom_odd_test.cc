// Deliberately broken or unusual files: each gives a clean error with the right code, or a
// tolerated read with sane values. Never a crash, a hang or garbage frames.
#include <gdcmAttribute.h>
#include <gdcmReader.h>
#include <gdcmWriter.h>
#include <gtest/gtest.h>

#include <fstream>

#include "dynamus/imaging/load.h"
#include "realdata.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

struct OddCase {
  const char* file;
  StatusCode code;  // kOk: tolerated read
  int frames;       // for tolerated reads
};

void PrintTo(const OddCase& c, std::ostream* os) { *os << c.file; }

const OddCase kOdd[] = {
    {"odd/MR_truncated.dcm", StatusCode::kInvalidData, 0},
    {"odd/emri_small_jpeg_2k_lossless_too_short.dcm", StatusCode::kInvalidData, 0},
    {"odd/JPEG2000-embedded-sequence-delimiter.dcm", StatusCode::kInvalidData, 0},
    {"odd/meta_missing_tsyntax.dcm", StatusCode::kInvalidData, 0},
    // A stray byte before the first element: not recognisable as DICOM (DCMTK fails on it too).
    {"odd/no_meta.dcm", StatusCode::kUnsupported, 0},
    {"odd/bad_sequence.dcm", StatusCode::kOk, 1},
    {"odd/SC_rgb_small_odd.dcm", StatusCode::kOk, 1},
    {"odd/JPEGLossless_1s_1f_i_16_16_bad.dcm", StatusCode::kOk, 1},
    {"odd/us_rgb_planar1_bigendian_60x80.dcm", StatusCode::kOk, 1},
    {"odd/us_rle_ybrfull_planar1_mindray_regions.dcm", StatusCode::kOk, 1},
};

class DicomOdd : public ::testing::TestWithParam<OddCase> {};

TEST_P(DicomOdd, CleanErrorOrToleratedRead) {
  const OddCase& c = GetParam();
  DYNAMUS_REQUIRE_REALDATA(path, c.file);
  Result<CineLoop> loop = load(path);
  if (c.code == StatusCode::kOk) {
    ASSERT_TRUE(loop.ok()) << loop.status().to_string();
    EXPECT_EQ(loop->frame_count(), c.frames);
    return;
  }
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), c.code) << loop.status().to_string();
  EXPECT_EQ(loop.status().context(), path.string()) << "the error names the file";
  EXPECT_FALSE(loop.status().message().empty());
  EXPECT_EQ(loop.status().message().find('\n'), std::string::npos) << "one line";
}

INSTANTIATE_TEST_SUITE_P(RealData, DicomOdd, ::testing::ValuesIn(kOdd),
                         [](const ::testing::TestParamInfo<OddCase>& param) {
                           std::string name = std::filesystem::path(param.param.file).stem();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(DicomOdd, EveryOddFileIsCovered) {
  const std::filesystem::path folder = testing::realdata_dir() / "odd";
  if (!std::filesystem::is_directory(folder)) GTEST_SKIP() << "no " << folder;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string relative = "odd/" + entry.path().filename().string();
    EXPECT_TRUE(std::any_of(std::begin(kOdd), std::end(kOdd),
                            [&](const OddCase& c) { return relative == c.file; }))
        << relative << " has no expected outcome";
  }
}

using testing::TempDir;

void copy_prefix(const std::filesystem::path& from, const std::filesystem::path& to,
                 std::uintmax_t bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string data(bytes, '\0');
  in.read(data.data(), std::streamsize(bytes));
  std::ofstream(to, std::ios::binary).write(data.data(), in.gcount());
}

// Cut a native and an encapsulated multi-frame file at several points inside the pixel data:
// always an error, never zero-padded frames.
TEST(DicomTruncation, CutAnywhereInsidePixelDataIsInvalidData) {
  DYNAMUS_REQUIRE_REALDATA(native, "dicom/us_sf-sop_2frames_palette_explicitLE_regions.dcm");
  DYNAMUS_REQUIRE_REALDATA(jpeg, "dicom/us_mf_jpegbaseline_ybr422_87f_ge_regions.dcm");
  TempDir dir;
  for (const auto& source : {native, jpeg}) {
    const std::uintmax_t size = std::filesystem::file_size(source);
    for (double fraction : {0.5, 0.9, 0.999}) {
      const std::filesystem::path cut = dir.path() / "cut.dcm";
      copy_prefix(source, cut, std::uintmax_t(double(size) * fraction));
      Result<CineLoop> loop = load(cut);
      ASSERT_FALSE(loop.ok()) << source.filename() << " cut at " << fraction;
      EXPECT_EQ(loop.status().code(), StatusCode::kInvalidData) << loop.status().to_string();
    }
  }
}

// Rewrites Rows, Columns and Number of Frames of a native (uncompressed) file.
std::filesystem::path with_dimensions(const std::filesystem::path& source,
                                      const std::filesystem::path& folder, std::uint16_t rows,
                                      std::uint16_t columns, int frames) {
  gdcm::Reader reader;
  reader.SetFileName(source.c_str());
  EXPECT_TRUE(reader.Read());
  gdcm::DataSet& dataset = reader.GetFile().GetDataSet();
  dataset.Replace(gdcm::Attribute<0x0028, 0x0010>{rows}.GetAsDataElement());
  dataset.Replace(gdcm::Attribute<0x0028, 0x0011>{columns}.GetAsDataElement());
  gdcm::Attribute<0x0028, 0x0008> frame_count;
  frame_count.SetValue(frames);
  dataset.Replace(frame_count.GetAsDataElement());
  const std::filesystem::path modified = folder / "modified.dcm";
  gdcm::Writer writer;
  writer.SetFile(reader.GetFile());
  writer.SetFileName(modified.c_str());
  EXPECT_TRUE(writer.Write());
  return modified;
}

// Declared sizes needing terabytes are refused before anything is decoded or allocated.
TEST(DicomMemoryCeiling, DeclaredTerabytesAreRefusedBeforeAllocating) {
  DYNAMUS_REQUIRE_REALDATA(source, "dicom/us_sf-sop_2frames_palette_explicitLE_regions.dcm");
  TempDir dir;
  Result<CineLoop> loop = load(with_dimensions(source, dir.path(), 60000, 60000, 1000));
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), StatusCode::kTooLarge) << loop.status().to_string();
  EXPECT_NE(loop.status().message().find("memory ceiling"), std::string::npos);
}

// A matrix larger than the native pixel data holds (yet under the ceiling) is invalid data.
TEST(DicomTruncation, DeclaredMatrixLargerThanPixelDataIsInvalidData) {
  DYNAMUS_REQUIRE_REALDATA(source, "dicom/us_sf-sop_2frames_palette_explicitLE_regions.dcm");
  TempDir dir;
  Result<CineLoop> loop = load(with_dimensions(source, dir.path(), 1000, 1000, 2));
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidData) << loop.status().to_string();
}

TEST(DicomMemoryCeiling, ConfigurableCeilingRefusesARealLoop) {
  DYNAMUS_REQUIRE_REALDATA(path, "dicom/us_mf_jpegbaseline_ybr422_87f_ge_regions.dcm");
  LoadOptions options;
  options.max_memory_bytes = std::uint64_t{64} << 20;  // the loop needs 189 MB decoded
  Result<CineLoop> loop = load(path, options);
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), StatusCode::kTooLarge);
}

}  // namespace
}  // namespace dynamus::imaging
