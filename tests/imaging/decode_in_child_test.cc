// decode_in_child(): what a reader returns in the child arrives whole; a reader that ends its
// process (abort, exit, a fault) gives the caller an error, and the caller goes on.
#include "io/decode_in_child.h"

#include <gdcmImageReader.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdlib>

#include "bounded_child.h"
#include "dicom_bytes.h"
#include "hostile_load.h"
#include "temp_dir.h"

namespace dynamus::imaging::io {
namespace {

constexpr std::uint64_t kMaxMemoryBytes = std::uint64_t{1} << 30;
constexpr std::uint32_t kMaxCpuSeconds = 60;

// Every field set to something other than its default.
DecodedCine every_field_set() {
  DecodedCine cine;
  cine.width_px = 5;
  cine.height_px = 3;
  cine.frame_count = 2;
  for (int i = 0; i < 30; ++i) cine.pixels.push_back(std::uint8_t(i * 8 + 1));
  cine.timing = {TimingSource::kFrameTimeVector, {0.0, 0.0333333333333}};
  cine.calibration = {CalibrationSource::kDicomRegion, std::array{0.0812345678901, 0.12}, false,
                      "region 1 of 2: 2D tissue, cm"};
  cine.region_px = RegionPx{1, 0, 4, 2};
  cine.source = {"/in/loop.dcm",
                 "ab12",
                 "dicom",
                 "JPEG Baseline (Process 1)",
                 "1.2.840.10008.1.2.4.50",
                 "1.2.840.10008.5.1.4.1.1.3.1",
                 "US",
                 "Vendor ü",
                 "YBR_FULL_422",
                 "1.2.3",
                 "1.2.3.4",
                 "1.2.3.4.5",
                 7,
                 9};
  cine.warnings = {"first warning", "", "third, after an empty one"};
  return cine;
}

TEST(DecodeInChild, EveryFieldArrivesUnchanged) {
  const DecodedCine sent = every_field_set();
  const Result<DecodedCine> got = decode_in_child([&]() -> Result<DecodedCine> { return sent; },
                                                  "dicom", kMaxMemoryBytes, kMaxCpuSeconds);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->width_px, sent.width_px);
  EXPECT_EQ(got->height_px, sent.height_px);
  EXPECT_EQ(got->frame_count, sent.frame_count);
  EXPECT_EQ(got->pixels, sent.pixels);
  EXPECT_EQ(got->timing.source, sent.timing.source);
  EXPECT_EQ(got->timing.timestamps_s, sent.timing.timestamps_s);  // bit for bit
  EXPECT_EQ(got->calibration.source, sent.calibration.source);
  EXPECT_EQ(got->calibration.spacing_mm, sent.calibration.spacing_mm);
  EXPECT_EQ(got->calibration.trusted, sent.calibration.trusted);
  EXPECT_EQ(got->calibration.detail, sent.calibration.detail);
  EXPECT_EQ(got->region_px, sent.region_px);
  const SourceInfo &a = got->source, &b = sent.source;
  EXPECT_EQ(std::tie(a.path, a.sha256, a.format, a.codec, a.transfer_syntax_uid, a.sop_class_uid,
                     a.modality, a.manufacturer, a.photometric, a.study_uid, a.series_uid,
                     a.instance_uid, a.width_px, a.height_px),
            std::tie(b.path, b.sha256, b.format, b.codec, b.transfer_syntax_uid, b.sop_class_uid,
                     b.modality, b.manufacturer, b.photometric, b.study_uid, b.series_uid,
                     b.instance_uid, b.width_px, b.height_px));
  EXPECT_EQ(got->warnings, sent.warnings);
}

// Makes process_vm_readv() fail with EPERM in this process and its children, as a system that
// forbids reading another process's memory would.
bool forbid_reading_other_processes() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

TEST(DecodeInChild, PixelsComeThroughTheSocketWhereReadingTheChildIsForbidden) {
  // 3 MB: more than a socket buffer holds, so the child's writes and the reads take turns.
  DecodedCine sent = every_field_set();
  sent.width_px = 1000;
  sent.height_px = 1000;
  sent.frame_count = 3;
  sent.pixels.resize(3'000'000);
  for (std::size_t i = 0; i < sent.pixels.size(); ++i) sent.pixels[i] = std::uint8_t(i % 251);
  const testing::ChildOutcome outcome = testing::run_bounded(
      [&] {
        if (!forbid_reading_other_processes()) {
          return Status(StatusCode::kInternal, "seccomp unavailable");
        }
        const Result<DecodedCine> got =
            decode_in_child([&]() -> Result<DecodedCine> { return sent; }, "dicom", kMaxMemoryBytes,
                            kMaxCpuSeconds);
        if (!got.ok()) return got.status();
        return got->pixels == sent.pixels && got->warnings == sent.warnings
                   ? ok_status()
                   : Status(StatusCode::kInvalidData, "the pixels differ");
      },
      std::uint64_t{1} << 30);
  ASSERT_TRUE(outcome.exited) << "signal " << outcome.signal;
  EXPECT_EQ(outcome.code, StatusCode::kOk) << outcome.text;
}

TEST(DecodeInChild, EmptyOptionalsStayEmpty) {
  DecodedCine sent;
  sent.width_px = 1;
  sent.height_px = 1;
  sent.frame_count = 1;
  sent.pixels = {42};
  const Result<DecodedCine> got = decode_in_child([&]() -> Result<DecodedCine> { return sent; },
                                                  "video", kMaxMemoryBytes, kMaxCpuSeconds);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_FALSE(got->calibration.spacing_mm.has_value());
  EXPECT_FALSE(got->region_px.has_value());
  EXPECT_TRUE(got->timing.timestamps_s.empty());
  EXPECT_EQ(got->pixels, sent.pixels);
}

TEST(DecodeInChild, AnErrorArrivesWithItsCodeMessageAndContext) {
  const Result<DecodedCine> got = decode_in_child(
      []() -> Result<DecodedCine> {
        return Status(StatusCode::kTooLarge, "needs 9 GB", "/in/huge.dcm");
      },
      "dicom", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(got.status().message(), "needs 9 GB");
  EXPECT_EQ(got.status().context(), "/in/huge.dcm");
}

TEST(DecodeInChild, AnAbortInTheReaderIsInvalidDataAndTheCallerGoesOn) {
  // What GDCM's assertions do.
  const Result<DecodedCine> got = decode_in_child([]() -> Result<DecodedCine> { std::abort(); },
                                                  "dicom", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(got.status().message().find("dicom decoding ended abnormally (signal 6, SIGABRT"),
            std::string::npos)
      << got.status().message();
  // The next decode works.
  EXPECT_TRUE(decode_in_child([] { return Result<DecodedCine>(every_field_set()); }, "dicom",
                              kMaxMemoryBytes, kMaxCpuSeconds)
                  .ok());
}

TEST(DecodeInChild, AGdcmAssertionIsInvalidData) {
  // Palette colour without its lookup tables: Debian's GDCM 3.0 asserts while reading the image.
  // dynamus refuses such a file before GDCM sees it; here GDCM reads it directly, in the child.
  testing::TempDir dir;
  testing::DicomBytes file;
  file.image(8, 8, "1", "PALETTE COLOR").native_pixels(std::string(64, '\x10'));
  const std::filesystem::path path = write_file(dir / "palette.dcm", file.bytes());
  const Result<DecodedCine> got = decode_in_child(
      [&]() -> Result<DecodedCine> {
        gdcm::ImageReader reader;
        reader.SetFileName(path.c_str());
        (void)reader.Read();
        return Status(StatusCode::kInternal, "GDCM returned");
      },
      "dicom", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidData) << got.status().to_string();
  EXPECT_NE(got.status().message().find("SIGABRT"), std::string::npos) << got.status().message();
}

TEST(DecodeInChild, AReaderThatNeverEndsIsStoppedAfterItsProcessorTime) {
  // A decoder looping on a malformed file (found by fuzzing: ITK's MetaIO inflating a truncated
  // zlib stream) gets SIGXCPU at the limit; the caller goes on.
  const Result<DecodedCine> got = decode_in_child(
      []() -> Result<DecodedCine> {
        for (std::uint64_t spins = 0;; ++spins) asm volatile("" : : "r"(spins));
      },
      "metaimage", kMaxMemoryBytes, 1);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(got.status().message().find("metaimage decoding was stopped after 1 s of processor "
                                        "time: the file is malformed in a way that keeps the "
                                        "decoder from ending"),
            std::string::npos)
      << got.status().message();
  EXPECT_TRUE(decode_in_child([] { return Result<DecodedCine>(every_field_set()); }, "metaimage",
                              kMaxMemoryBytes, 1)
                  .ok());
}

TEST(DecodeInChild, ALibraryCallingExitIsInvalidData) {
  // libjpeg's default error handler calls exit().
  const Result<DecodedCine> got = decode_in_child([]() -> Result<DecodedCine> { std::exit(7); },
                                                  "image", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(got.status().message().find("image decoding ended abnormally (exit status"),
            std::string::npos)
      << got.status().message();
}

TEST(DecodeInChild, AnExceptionIsInternal) {
  const Result<DecodedCine> got =
      decode_in_child([]() -> Result<DecodedCine> { throw std::runtime_error("codec state"); },
                      "video", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInternal);
  EXPECT_EQ(got.status().message(), "decoding threw: codec state");
}

TEST(DecodeInChild, PixelsOverTheMemoryCeilingAreRefusedBeforeAllocating) {
  const Result<DecodedCine> got =
      decode_in_child([] { return Result<DecodedCine>(every_field_set()); }, "dicom",
                      /*max_memory_bytes=*/29, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInternal);
  EXPECT_EQ(got.status().message(), "the decoding process sent a malformed result");
}

TEST(DecodeInChild, PixelsNotMatchingTheFrameSizeAreRefused) {
  DecodedCine wrong = every_field_set();
  wrong.pixels.pop_back();
  const Result<DecodedCine> got = decode_in_child([&]() -> Result<DecodedCine> { return wrong; },
                                                  "dicom", kMaxMemoryBytes, kMaxCpuSeconds);
  EXPECT_EQ(got.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace dynamus::imaging::io
