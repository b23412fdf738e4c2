// Hostile DICOM files, assembled byte by byte (no real data needed): each must give a clean error
// (documented code, one line naming the file and the reason) or a read with sane values, within
// bounded memory (hostile_load.h).
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <span>
#include <tuple>
#include <vector>

#include "dicom_bytes.h"
#include "hostile_load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::ChildOutcome;
using testing::DicomBytes;
using testing::TempDir;

std::filesystem::path write(const TempDir& dir, const std::string& name, const DicomBytes& file) {
  return write_file(dir / name, file.bytes());
}

std::string ramp(std::size_t bytes) {
  std::string pixels(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) pixels[i] = char(i * 7);
  return pixels;
}

// A valid 8x8 one-frame image whose element starting with the 6 bytes `tag_and_vr` (tag, then VR)
// has character `vr_char` (0 or 1) of its VR replaced by `replacement`; empty when the element is
// not found.
std::string image_with_vr_changed(const std::string& tag_and_vr, int vr_char, char replacement) {
  DicomBytes file;
  std::string bytes = file.image(8, 8, "1").native_pixels(ramp(64)).bytes();
  const std::size_t at = bytes.find(tag_and_vr);
  if (at == std::string::npos) return {};
  bytes[at + 4 + std::size_t(vr_char)] = replacement;
  return bytes;
}

// A valid 8x6, 3-frame loop with one 2D tissue region in cm, the frame time given as `frame_time`.
DicomBytes calibrated_loop(double delta_x_cm, double delta_y_cm, const std::string& frame_time) {
  DicomBytes file;
  file.text(0x0018, 0x1063, "DS", frame_time);
  file.begin_sequence(0x0018, 0x6011).begin_item();
  file.us(0x0018, 0x6012, 1).us(0x0018, 0x6014, 1).ul(0x0018, 0x6016, 0);
  file.ul(0x0018, 0x6018, 0).ul(0x0018, 0x601a, 0).ul(0x0018, 0x601c, 7).ul(0x0018, 0x601e, 5);
  file.us(0x0018, 0x6024, 3).us(0x0018, 0x6026, 3);
  file.fd(0x0018, 0x602c, delta_x_cm).fd(0x0018, 0x602e, delta_y_cm);
  file.end_item().end_sequence();
  file.image(6, 8, "3").native_pixels(ramp(8 * 6 * 3));
  return file;
}

TEST(HostileDicom, HandAssembledLoopReads) {
  // The baseline the other cases break: the same bytes, intact, load with their calibration.
  TempDir dir;
  const Result<CineLoop> loop = load(write(dir, "ok.dcm", calibrated_loop(0.01, 0.02, "40")));
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->frame_count(), 3);
  ASSERT_TRUE(loop->calibration().spacing_mm);
  EXPECT_NEAR((*loop->calibration().spacing_mm)[0], 0.1, 1e-12);
  EXPECT_NEAR((*loop->calibration().spacing_mm)[1], 0.2, 1e-12);
  ASSERT_TRUE(loop->fps());
  EXPECT_NEAR(*loop->fps(), 25.0, 1e-9);
}

TEST(HostileDicom, TerabytesDeclaredAreRefusedBeforeDecoding) {
  // 65535 x 65535 x 2^31-1 frames is 9 exabytes; the file holds 16 bytes of pixels.
  TempDir dir;
  DicomBytes file;
  file.image(65535, 65535, "2147483647").native_pixels(ramp(16));
  expect_refusal(write(dir, "huge.dcm", file), StatusCode::kTooLarge, "memory ceiling");
}

TEST(HostileDicom, HugeFrameCountOnSmallFramesIsTooLarge) {
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "2000000000").native_pixels(ramp(64));
  expect_clean_error(write(dir, "frames.dcm", file), StatusCode::kTooLarge);
}

TEST(HostileDicom, ZeroFramesIsInvalidData) {
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "0").native_pixels(ramp(64));
  expect_clean_error(write(dir, "zero_frames.dcm", file), StatusCode::kInvalidData);
}

TEST(HostileDicom, ZeroRowsIsInvalidData) {
  TempDir dir;
  DicomBytes file;
  file.image(0, 8, "1").native_pixels(ramp(64));
  expect_clean_error(write(dir, "zero_rows.dcm", file), StatusCode::kInvalidData);
}

TEST(HostileDicom, MoreFramesDeclaredThanNativePixelDataHoldsIsInvalidData) {
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1000").native_pixels(ramp(8 * 8 * 3));
  expect_refusal(write(dir, "mismatch.dcm", file), StatusCode::kInvalidData,
                 "pixel data holds 192 bytes");
}

TEST(HostileDicom, FewerFragmentsThanFramesIsInvalidData) {
  TempDir dir;
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "5").begin_encapsulated();
  // Not JPEG streams (no SOI), so the count is what gets checked.
  file.fragment(ramp(4)).fragment(ramp(4));
  file.end_sequence();
  expect_refusal(write(dir, "fragments.dcm", file), StatusCode::kInvalidData,
                 "2 compressed fragments for 5 frames");
}

TEST(HostileDicom, FragmentCutShortIsInvalidData) {
  // The second fragment declares 1 GB and the file ends 10 bytes into it.
  TempDir dir;
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "2").begin_encapsulated();
  file.fragment(std::string("\xff\xd8\xff\xd9", 4)).fragment(ramp(10), 1u << 30);
  expect_clean_error(write(dir, "cut_fragment.dcm", file), StatusCode::kInvalidData);
}

TEST(HostileDicom, PixelDataDelimiterDeclaringALengthIsInvalidData) {
  // GDCM allocated the 4 GB the delimiter declares (fuzzing finding 13).
  TempDir dir;
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "1").begin_encapsulated();
  file.fragment(ramp(4));
  file.end_sequence(0xfe000000u);
  expect_refusal(write(dir, "delimiter.dcm", file), StatusCode::kInvalidData,
                 "delimiter ending the Pixel Data declares 4261412864 bytes");
}

TEST(HostileDicom, ItemDelimiterOutsideAnyItemIsInvalidData) {
  // DCMTK ends the data set at the delimiter and GDCM reads on, so the checks would judge half the
  // file (found by fuzzing: GDCM then allocated 3.9 GB for an element after it).
  TempDir dir;
  DicomBytes file;
  file.text(0x0008, 0x2111, "ST", "derived");
  file.end_item();
  file.image(8, 8, "1").native_pixels(ramp(64));
  expect_refusal(write(dir, "stray_delimiter.dcm", file), StatusCode::kInvalidData,
                 "at a delimiter that closes no item");
}

TEST(HostileDicom, FileMetaGroupNotFirstIsInvalidData) {
  // GDCM then reads the file in another mode; the fuzzed file (the meta group length's tag turned
  // into (0402,0000)) made it assert on a delimiter inside its JPEG 2000 data. This one it only
  // fails to read.
  TempDir dir;
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "1").begin_encapsulated();
  file.fragment(ramp(4)).end_sequence();
  std::string bytes = file.bytes();
  bytes.insert(132, std::string("\x02\x04\x00\x00UL\x04\x00\xc0\x00\x00\x00", 12));
  expect_refusal(write_file(dir / "meta_second.dcm", bytes), StatusCode::kInvalidData,
                 "the first element is (0402,0000)");
}

TEST(HostileDicom, ItemLongerThanItsSequenceIsInvalidData) {
  // DCMTK reads the item on past its sequence's end, GDCM asserts (found by fuzzing: an item 4
  // bytes longer than its sequence). One item of 12 bytes declared as 16, in a sequence of 20.
  TempDir dir;
  const std::string referenced_class(
      "\x08\x00\x50\x11UI\x04\x00"
      "1.2\0",
      12);
  const std::string item = std::string("\xfe\xff\x00\xe0\x10\x00\x00\x00", 8) + referenced_class;
  DicomBytes file;
  file.long_element(0x0008, 0x2112, "SQ", item);
  file.text(0x0010, 0x0010, "PN", "Lestrade^G");
  file.image(8, 8, "1").native_pixels(ramp(64));
  const ChildOutcome outcome =
      expect_clean_error(write(dir, "long_item.dcm", file), StatusCode::kInvalidData);
  EXPECT_NE(outcome.text.find("the items of (0008,2112) SourceImageSequence take 24 bytes; the "
                              "sequence declares 20"),
            std::string::npos)
      << outcome.text;
}

TEST(HostileDicom, ItemWithoutItsDelimiterInASequenceOfDefinedLengthIsInvalidData) {
  // An item of undefined length whose delimiter never comes holds the rest of the file in DCMTK;
  // GDCM asserts at the sequence's end (fuzzing finding 25). With its delimiter, it reads.
  TempDir dir;
  const std::string item_start("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8);
  const std::string referenced_class(
      "\x08\x00\x50\x11UI\x04\x00"
      "1.2\0",
      12);
  const std::string item_end("\xfe\xff\x0d\xe0\x00\x00\x00\x00", 8);
  DicomBytes closed;
  closed.long_element(0x0008, 0x2112, "SQ", item_start + referenced_class + item_end);
  closed.image(8, 8, "1").native_pixels(ramp(64));
  const Result<CineLoop> loop = load(write(dir, "closed.dcm", closed), no_sidecar());
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();

  DicomBytes open;
  open.long_element(0x0008, 0x2112, "SQ", item_start + referenced_class);
  open.image(8, 8, "1").native_pixels(ramp(64));
  expect_refusal(write(dir, "open.dcm", open), StatusCode::kInvalidData,
                 "the items of (0008,2112) SourceImageSequence take at least ");
}

TEST(HostileDicom, PixelDataUnderAnotherVrReadsWithoutUndefinedBehaviour) {
  // Pixel Data as OD is another DCMTK class, and the checks cast it as pixel data (found by
  // fuzzing with UBSan: "downcast ... does not point to an object of type 'DcmPixelData'"). GDCM
  // reads the bytes as the frame. The sanitizer build is where the cast would fail the test.
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1").long_element(0x7fe0, 0x0010, "OD", ramp(64));
  const Result<CineLoop> loop = load(write(dir, "pixels_od.dcm", file));
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->frame_count(), 1);
  EXPECT_EQ(loop->width_px(), 8);
}

TEST(HostileDicom, JpegFrameHeaderContradictingTheImageIsInvalidData) {
  // SOI, then a baseline frame header of 16x16 with 3 components for an 8x8 grey image.
  TempDir dir;
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "1").begin_encapsulated();
  file.fragment(std::string("\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03", 12) +
                std::string(12, '\x11') + std::string("\xff\xda\x00\x02", 4));
  file.end_sequence();
  expect_refusal(write(dir, "jpeg.dcm", file), StatusCode::kInvalidData,
                 "16x16 with 3 components where the image is 8x8 with 1");
}

TEST(HostileDicom, JfifVersionLibjpegDoesNotKnowIsInvalidData) {
  // A JFIF major version other than 1, which libjpeg only warns about, makes GDCM's JPEG codec
  // assert (found by fuzzing: 17.1 in one frame of a loop).
  TempDir dir;
  cv::Mat grey(8, 8, CV_8UC1);
  cv::randu(grey, 0, 255);
  std::vector<std::uint8_t> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", grey, jpeg));
  std::string frame(jpeg.begin(), jpeg.end());
  if (frame.size() % 2 != 0) frame += '\0';  // fragments have even lengths
  const std::size_t jfif = frame.find(std::string("JFIF\0", 5));
  ASSERT_EQ(jfif, 6u) << "OpenCV's encoder writes APP0 JFIF first";
  std::string patched = frame;
  patched[jfif + 5] = '\x11';
  DicomBytes file(DicomBytes::kJpegBaseline);
  file.image(8, 8, "1").begin_encapsulated();
  file.fragment(patched).end_sequence();
  expect_refusal(write(dir, "jfif.dcm", file), StatusCode::kInvalidData,
                 "JFIF version 17.01, not 1");
  // The frame as encoded, version 1.01, reads.
  DicomBytes intact(DicomBytes::kJpegBaseline);
  intact.image(8, 8, "1").begin_encapsulated();
  intact.fragment(frame).end_sequence();
  const Result<CineLoop> loop = load(write(dir, "intact.dcm", intact));
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();
}

// One RLE Lossless frame (PS3.5 Annex G): a 64-byte header declaring `segments` at `offsets`,
// then `data`.
std::string rle_frame(std::uint32_t segments, const std::vector<std::uint32_t>& offsets,
                      const std::string& data) {
  std::string frame(64, '\0');
  const auto put = [&](std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) frame[at + std::size_t(i)] = char((value >> (8 * i)) & 0xff);
  };
  put(0, segments);
  for (std::size_t i = 0; i < offsets.size(); ++i) put(4 + 4 * i, offsets[i]);
  frame += data;
  if (frame.size() % 2 != 0) frame += '\0';  // fragments have even lengths
  return frame;
}

std::filesystem::path write_rle(const TempDir& dir, const std::string& frame) {
  DicomBytes file(DicomBytes::kRleLossless);
  file.image(8, 8, "1").begin_encapsulated().fragment(frame).end_sequence();
  return write(dir, "rle.dcm", file);
}

TEST(HostileDicom, RleFrameNotAsItsHeaderSaysIsInvalidData) {
  // GDCM's RLE codec trusts the frame: a segment count above 15 reads past its offset table
  // (fuzzing finding 24, SIGSEGV), 0 or a frame shorter than its header divide by zero (SIGFPE),
  // and a run past the end of the frame decodes silently into wrong pixels. The other cases GDCM
  // reports only as a frame it cannot decode.
  TempDir dir;
  const std::string pixels = ramp(64);
  // PackBits: 63 copies the 64 bytes after it; -63 repeats the next byte 64 times.
  const std::string literal = char(63) + pixels;
  const Result<CineLoop> literal_loop =
      load(write_rle(dir, rle_frame(1, {64}, literal)), no_sidecar());
  ASSERT_TRUE(literal_loop.ok()) << literal_loop.status().to_string();
  const std::span<const std::uint8_t> frame = literal_loop->frame(0);
  EXPECT_EQ(std::string(frame.begin(), frame.end()), pixels);
  const Result<CineLoop> run_loop =
      load(write_rle(dir, rle_frame(1, {64}, std::string{char(-63), '\x10'})), no_sidecar());
  ASSERT_TRUE(run_loop.ok()) << run_loop.status().to_string();
  EXPECT_EQ(run_loop->frame(0)[63], 0x10);

  const std::tuple<std::string, std::string> cases[] = {
      {rle_frame(0x02000000, {64}, literal),
       "the RLE header declares 33554432 segments where the image has 1"},
      {rle_frame(0, {}, literal), "the RLE header declares 0 segments where the image has 1"},
      {rle_frame(1, {80}, std::string(16, '\0') + literal),
       "RLE segment 1 starts at byte 80, where the one before ends at 64"},
      {rle_frame(1, {64}, literal.substr(0, 40)), "RLE segment 1 runs past the end of its frame"},
      {rle_frame(1, {64}, std::string{char(-64), '\x10'}),
       "RLE segment 1 decodes to 65 bytes, not 64"},
      {rle_frame(1, {64}, std::string{char(-31), '\x10'}), "RLE segment 1 ends after 32 of its 64"},
      {std::string(40, '\0'), "an RLE frame of 40 bytes, shorter than its 64-byte header"},
  };
  for (const auto& [bytes, reason] : cases) {
    SCOPED_TRACE(reason);
    expect_refusal(write_rle(dir, bytes), StatusCode::kInvalidData, reason);
  }
}

TEST(HostileDicom, OverlayLargerThanTheImageItLiesInIsInvalidData) {
  // An overlay without its own data lies in the unused bits of the pixels; GDCM reads Overlay Rows
  // x Columns of them unchecked (SIGSEGV at 4096x4096 here, as CVE-2025-52582 describes).
  TempDir dir;
  const auto with_overlay = [&](std::uint16_t size) {
    DicomBytes file;
    file.us(0x0028, 0x0002, 1).text(0x0028, 0x0004, "CS", "MONOCHROME2");
    file.text(0x0028, 0x0008, "IS", "1").us(0x0028, 0x0010, 8).us(0x0028, 0x0011, 8);
    file.us(0x0028, 0x0100, 16).us(0x0028, 0x0101, 12).us(0x0028, 0x0102, 11);
    file.us(0x0028, 0x0103, 0);
    file.us(0x6000, 0x0010, size).us(0x6000, 0x0011, size).text(0x6000, 0x0040, "CS", "G");
    file.element(0x6000, 0x0050, "SS", std::string("\x01\x00\x01\x00", 4));
    file.us(0x6000, 0x0100, 1).us(0x6000, 0x0102, 12);
    file.native_pixels(ramp(8 * 8 * 2));
    return write(dir, "overlay.dcm", file);
  };
  const Result<CineLoop> fits = load(with_overlay(8), no_sidecar());
  EXPECT_TRUE(fits.ok()) << fits.status().to_string();
  expect_refusal(with_overlay(4096), StatusCode::kInvalidData,
                 "the overlay in group 6000 is 4096x4096 in the pixel data of a 8x8 image");
  expect_refusal(with_overlay(65535), StatusCode::kInvalidData,
                 "the overlay in group 6000 is 65535x65535");
}

TEST(HostileDicom, NativePixelDataDeclaringGigabytesIsInvalidData) {
  // A 4 GB value length on a small file: refused from the structure, not allocated.
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1");
  std::string bytes = file.bytes() + std::string("\xe0\x7f\x10\x00OB\0\0\xfe\xff\xff\xff", 12);
  bytes += ramp(64);
  expect_clean_error(write_file(dir / "long_value.dcm", bytes), StatusCode::kInvalidData);
}

TEST(HostileDicom, SequencesNestedDeeplyAreAnErrorNotAStackOverflow) {
  // 100,000 sequences, each inside an item of the one before: a recursive parser would need
  // megabytes of stack per level pair.
  TempDir dir;
  constexpr int kDepth = 100000;
  DicomBytes file;
  for (int i = 0; i < kDepth; ++i) file.begin_sequence(0x0008, 0x1115).begin_item();
  for (int i = 0; i < kDepth; ++i) file.end_item().end_sequence();
  file.image(8, 8, "1").native_pixels(ramp(64));
  expect_clean_error(write(dir, "nested.dcm", file), StatusCode::kInvalidData);
}

TEST(HostileDicom, BinaryAttributeUnderAnotherVrIsInvalidData) {
  // Samples per Pixel (US) written as SL: GDCM would abort on an assertion reading it.
  TempDir dir;
  DicomBytes file;
  file.element(0x0028, 0x0002, "SL", std::string("\x01\x00", 2));
  file.text(0x0028, 0x0004, "CS", "MONOCHROME2").us(0x0028, 0x0010, 8).us(0x0028, 0x0011, 8);
  file.us(0x0028, 0x0100, 8).us(0x0028, 0x0101, 8).us(0x0028, 0x0102, 7).us(0x0028, 0x0103, 0);
  file.native_pixels(ramp(64));
  expect_refusal(write(dir, "vr.dcm", file), StatusCode::kInvalidData,
                 "SamplesPerPixel has the VR SL where DICOM says US");
}

TEST(HostileDicom, ElementWithoutAValidVrIsInvalidData) {
  // "( " names no VR: DCMTK and GDCM would read the rest of the file differently.
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1").element(0x3900, 0x0100, "( ", "ab").native_pixels(ramp(64));
  expect_refusal(write(dir, "vr.dcm", file), StatusCode::kInvalidData,
                 "(3900,0100) has no valid VR");
}

TEST(HostileDicom, FileMetaElementWithoutAValidVrIsInvalidData) {
  // The file meta group is always explicit VR: GDCM asserts on "U~" there (found by the fuzz
  // smoke run; the fuzzed file came from the real data, so this test stands for it).
  TempDir dir;
  const std::string bytes =
      image_with_vr_changed(std::string{'\x02', '\x00', '\x10', '\x00', 'U', 'I'}, 1, '~');
  ASSERT_FALSE(bytes.empty());
  expect_refusal(write_file(dir / "meta_vr.dcm", bytes), StatusCode::kInvalidData,
                 "(0002,0010) has no valid VR");
}

TEST(HostileDicom, UltrasoundRegionWithoutBothPhysicalDeltasIsInvalidData) {
  // GDCM reads the first region's Physical Delta X and Y unchecked and asserts when one is missing
  // (found by fuzzing: (0018,602E) mutated to (0018,652E); the fuzzed file came from the real
  // data, so this test stands for it). A sequence without an item fails the same way.
  TempDir dir;
  DicomBytes no_delta_y;
  no_delta_y.begin_sequence(0x0018, 0x6011).begin_item();
  no_delta_y.us(0x0018, 0x6012, 1).us(0x0018, 0x6014, 1).ul(0x0018, 0x6016, 0);
  no_delta_y.us(0x0018, 0x6024, 3).us(0x0018, 0x6026, 3).fd(0x0018, 0x602c, 0.01);
  no_delta_y.fd(0x0018, 0x652e, 0.01).end_item().end_sequence();
  no_delta_y.image(6, 8, "3").native_pixels(ramp(8 * 6 * 3));
  ChildOutcome outcome =
      expect_clean_error(write(dir, "no_delta_y.dcm", no_delta_y), StatusCode::kInvalidData);
  EXPECT_NE(outcome.text.find("ultrasound region 1 has no single Physical Delta Y"),
            std::string::npos)
      << outcome.text;

  DicomBytes no_item;
  no_item.begin_sequence(0x0018, 0x6011).end_sequence();
  no_item.image(6, 8, "3").native_pixels(ramp(8 * 6 * 3));
  outcome = expect_clean_error(write(dir, "no_item.dcm", no_item), StatusCode::kInvalidData);
  EXPECT_NE(outcome.text.find("has no item"), std::string::npos) << outcome.text;
}

TEST(HostileDicom, ImageAttributeInAnotherTextVrIsInvalidData) {
  // GDCM asserts when an attribute it reads for the image has a VR other than the dictionary's,
  // text or not (found by fuzzing: Number of Frames as AS instead of IS).
  TempDir dir;
  const std::string bytes =
      image_with_vr_changed(std::string{'\x28', '\x00', '\x08', '\x00', 'I', 'S'}, 0, 'A');
  ASSERT_FALSE(bytes.empty());
  expect_refusal(write_file(dir / "frames_as.dcm", bytes), StatusCode::kInvalidData,
                 "(0028,0008) NumberOfFrames has the VR AS where DICOM says IS");
}

TEST(HostileDicom, ImagePixelValuesOutOfRangeAreInvalidData) {
  // GDCM aborts on a Planar Configuration of 2; the others are as impossible.
  TempDir dir;
  for (const auto& [element, value, reason] :
       {std::tuple{std::uint16_t(0x0006), std::uint16_t(2), "Planar Configuration is 2"},
        std::tuple{std::uint16_t(0x0002), std::uint16_t(9), "Samples per Pixel is 9"},
        std::tuple{std::uint16_t(0x0101), std::uint16_t(12), "Bits Stored is 12"},
        // GDCM asserts on a pixel size that is not whole bytes (found by fuzzing).
        std::tuple{std::uint16_t(0x0100), std::uint16_t(47),
                   "Bits Allocated is 47, not a multiple"}}) {
    DicomBytes file;
    file.image(8, 8, "1");
    std::string bytes = file.native_pixels(ramp(64)).bytes();
    // Replace the value of the element in the image module (group 0028, VR US).
    const std::string tag{'\x28', '\x00', char(element & 0xff), char(element >> 8), 'U', 'S'};
    std::size_t at = bytes.find(tag);
    if (at == std::string::npos) {
      at = bytes.find(std::string{'\x28', '\x00', '\x08', '\x00'});  // before Number of Frames
      bytes.insert(at, tag + std::string("\x02\x00\x00\x00", 4));
    }
    bytes[at + 8] = char(value & 0xff);
    bytes[at + 9] = char(value >> 8);
    const ChildOutcome outcome =
        expect_clean_error(write_file(dir / "range.dcm", bytes), StatusCode::kInvalidData);
    EXPECT_NE(outcome.text.find(reason), std::string::npos) << outcome.text;
  }
}

TEST(HostileDicom, PaletteColourWithoutItsLookupTablesIsInvalidData) {
  // GDCM asserts on palette colour without tables (found by fuzzing: "PALETTE", which GDCM reads
  // as palette colour, and no table).
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1", "PALETTE").native_pixels(ramp(64));
  expect_refusal(write(dir, "palette.dcm", file), StatusCode::kInvalidData,
                 "palette colour without a red lookup table descriptor");
}

TEST(HostileDicom, PaletteTableShorterThanItsDescriptorIsInvalidData) {
  // GDCM asserts when a table's length is not what its descriptor says (256 entries of 8 bits).
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1", "PALETTE COLOR");
  for (std::uint16_t colour = 0; colour < 3; ++colour) {
    file.us3(0x0028, std::uint16_t(0x1101 + colour), 256, 0, 8);
  }
  file.long_element(0x0028, 0x1201, "OW", ramp(100));
  file.long_element(0x0028, 0x1202, "OW", ramp(256));
  file.long_element(0x0028, 0x1203, "OW", ramp(256));
  file.native_pixels(ramp(64));
  const ChildOutcome outcome =
      expect_clean_error(write(dir, "short_table.dcm", file), StatusCode::kInvalidData);
  EXPECT_NE(outcome.text.find("the red palette lookup table holds 100 bytes; its descriptor says "
                              "256"),
            std::string::npos)
      << outcome.text;
}

TEST(HostileDicom, PhotometricInterpretationDicomDoesNotDefineIsInvalidData) {
  TempDir dir;
  DicomBytes file;
  file.image(8, 8, "1", "XYZ").native_pixels(ramp(64));
  expect_refusal(write(dir, "xyz.dcm", file), StatusCode::kInvalidData,
                 "Photometric Interpretation \"XYZ\" is not one DICOM defines");
}

TEST(HostileDicom, RecognitionCodeNotAcrNemasIsInvalidData) {
  // GDCM asserts that a Recognition Code names an ACR-NEMA version (fuzzing finding 23); a real
  // one, left in by an ACR-NEMA converter, still reads.
  TempDir dir;
  for (const char* code : {"XCR-NEMA 2.0", "ACR", "  "}) {
    DicomBytes file;
    file.text(0x0008, 0x0010, "SH", code).image(8, 8, "1").native_pixels(ramp(64));
    SCOPED_TRACE(code);
    expect_refusal(write(dir, "recognition.dcm", file), StatusCode::kInvalidData,
                   ", not an ACR-NEMA version");
  }
  for (const char* code : {"ACR-NEMA 2.0", "ACRNEMA_LIBIDO_1.1", "MIPS 2.0"}) {
    DicomBytes file;
    file.text(0x0008, 0x0010, "SH", code).image(8, 8, "1").native_pixels(ramp(64));
    const Result<CineLoop> loop = load(write(dir, "acr_nema.dcm", file), no_sidecar());
    ASSERT_TRUE(loop.ok()) << code << ": " << loop.status().message();
    EXPECT_EQ(loop->frame_count(), 1);
  }
}

TEST(HostileDicom, NegativePhysicalDeltaUsesItsMagnitudeWithAWarning) {
  TempDir dir;
  const Result<CineLoop> loop =
      load(write(dir, "negative.dcm", calibrated_loop(-0.01, 0.02, "40")), no_sidecar());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  ASSERT_TRUE(loop->calibration().spacing_mm);
  EXPECT_NEAR((*loop->calibration().spacing_mm)[0], 0.1, 1e-12);
  bool warned = false;
  for (const std::string& w : loop->warnings()) warned |= w.find("negative") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(HostileDicom, NanOrZeroPhysicalDeltaGivesNoCalibration) {
  TempDir dir;
  for (double delta : {std::nan(""), 0.0, double(INFINITY)}) {
    const Result<CineLoop> loop =
        load(write(dir, "nan.dcm", calibrated_loop(delta, 0.02, "40")), no_sidecar());
    ASSERT_TRUE(loop.ok()) << loop.status().to_string();
    EXPECT_EQ(loop->calibration().source, CalibrationSource::kNone) << delta;
    EXPECT_FALSE(loop->calibration().spacing_mm) << delta;
  }
}

TEST(HostileDicom, NegativeZeroOrNanFrameTimeGivesNoTiming) {
  TempDir dir;
  for (const char* frame_time : {"-40", "0", "NaN", "1e999"}) {
    const Result<CineLoop> loop =
        load(write(dir, "time.dcm", calibrated_loop(0.01, 0.02, frame_time)), no_sidecar());
    ASSERT_TRUE(loop.ok()) << frame_time << ": " << loop.status().to_string();
    EXPECT_FALSE(loop->has_timing()) << frame_time;
    bool warned = false;
    for (const std::string& w : loop->warnings()) warned |= w.find("no frame timing") == 0;
    EXPECT_TRUE(warned) << frame_time;
  }
}

}  // namespace
}  // namespace dynamus::imaging
