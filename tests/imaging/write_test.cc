// Writers: DICOM and MP4 files of a CineLoop load back with the same frames, calibration and
// timing; DICOM files are deterministic, valid (dciodvfy) and never left half-written.
#include "dynamus/imaging/write.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "dynamus/imaging/dicom_uid.h"
#include "dynamus/imaging/load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::TempDir;

constexpr int kWidth = 64;
constexpr int kHeight = 48;
constexpr int kFrames = 5;
constexpr double kFps = 25.0;
constexpr char kUsMultiframeStorage[] = "1.2.840.10008.5.1.4.1.1.3.1";

std::vector<double> uniform_times_s(int frames, double fps) {
  std::vector<double> t(std::size_t(frames), 0.0);
  for (int i = 0; i < frames; ++i) t[std::size_t(i)] = i / fps;
  return t;
}

// A smooth ramp from 0 that saturates at 255 and shifts with the frame, plus a bright square
// moving right: every grey level's extremes appear and H.264 keeps the content close.
CineLoop::Parts loop_parts(int width, int height, std::vector<double> timestamps_s) {
  CineLoop::Parts parts;
  parts.width_px = width;
  parts.height_px = height;
  parts.frame_count = int(timestamps_s.size());
  parts.pixels.resize(std::size_t(width) * std::size_t(height) * timestamps_s.size());
  std::size_t i = 0;
  for (int f = 0; f < parts.frame_count; ++f) {
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x, ++i) {
        const bool square = x >= 8 + 6 * f && x < 20 + 6 * f && y >= 16 && y < 28;
        parts.pixels[i] = square ? 230 : std::uint8_t(std::min(255, 2 * x + 3 * y + 10 * f));
      }
    }
  }
  parts.timing = {TimingSource::kUser, std::move(timestamps_s)};
  parts.calibration = {CalibrationSource::kUser, std::array<double, 2>{0.1, 0.125}, true, ""};
  parts.region_px = {0, 0, width - 1, height - 1};
  parts.source.width_px = width;
  parts.source.height_px = height;
  return parts;
}

CineLoop make_loop(CineLoop::Parts parts) {
  Result<CineLoop> loop = CineLoop::create(std::move(parts));
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();
  return std::move(loop).value();
}

CineLoop test_loop() {
  return make_loop(loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps)));
}

DicomCineIdentity phantom_identity() {
  DicomCineIdentity identity;
  identity.patient_name = "DYNAMUS^PHANTOM";
  identity.patient_id = "PHANTOM-RETRACTING-TEAR-7";
  identity.uid_seed = "retracting-tear/7/0123abcd";
  identity.study_description = "dynamus phantom";
  identity.series_description = "retracting tear, seed 7";
  return identity;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

std::vector<std::string> file_names(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

LoadOptions plain_load() {
  LoadOptions options;
  options.read_sidecar = false;
  options.auto_region = false;
  return options;
}

// Over the expected frame's pixels; `actual` may be wider or taller (padded).
double mean_abs_difference(const CineLoop& actual, const CineLoop& expected, int frame) {
  double sum = 0.0;
  for (int y = 0; y < expected.height_px(); ++y) {
    for (int x = 0; x < expected.width_px(); ++x) {
      const std::size_t actual_index = std::size_t(y) * std::size_t(actual.width_px()) + x;
      const std::size_t expected_index = std::size_t(y) * std::size_t(expected.width_px()) + x;
      sum += std::abs(int(actual.frame(frame)[actual_index]) -
                      int(expected.frame(frame)[expected_index]));
    }
  }
  return sum / double(expected.frame_size());
}

// --- UIDs --------------------------------------------------------------------------------------

TEST(DicomUid, HexToDecimalCoversTheWhole128Bits) {
  EXPECT_EQ(decimal_from_hex128("00000000000000000000000000000000"), "0");
  EXPECT_EQ(decimal_from_hex128("00000000000000000000000000000001"), "1");
  EXPECT_EQ(decimal_from_hex128("0000000000000000000000000000000A"), "10");
  EXPECT_EQ(decimal_from_hex128("00000000000000010000000000000000"), "18446744073709551616");
  EXPECT_EQ(decimal_from_hex128("ffffffffffffffffffffffffffffffff"),
            "340282366920938463463374607431768211455");
  EXPECT_EQ(decimal_from_hex128("123456789abcdef0fedcba9876543210"),
            "24197857203266734881846307747534221840");
}

TEST(DicomUid, SeedGivesAStableWellFormedUuidDerivedUid) {
  const std::string uid = uid_from_seed("retracting-tear/7/x/study");
  EXPECT_EQ(uid, uid_from_seed("retracting-tear/7/x/study"));
  EXPECT_NE(uid, uid_from_seed("retracting-tear/7/x/series"));
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
  EXPECT_LE(uid.size(), 44u);
  EXPECT_TRUE(is_valid_uid(uid)) << uid;
  EXPECT_TRUE(is_valid_uid("1.2.840.10008.5.1.4.1.1.3.1"));
  EXPECT_TRUE(is_valid_uid("2.25.0"));
  EXPECT_FALSE(is_valid_uid(""));
  EXPECT_FALSE(is_valid_uid("1.02"));
  EXPECT_FALSE(is_valid_uid("1..2"));
  EXPECT_FALSE(is_valid_uid("1.2."));
  EXPECT_FALSE(is_valid_uid("1.2a"));
  EXPECT_FALSE(is_valid_uid("1." + std::string(63, '1')));
}

// --- DICOM ---------------------------------------------------------------------------------

TEST(WriteDicom, RoundTripKeepsPixelsCalibrationRegionAndTiming) {
  TempDir dir;
  const CineLoop loop = test_loop();
  const auto path = dir / "phantom.dcm";
  const Status status = write_dicom(loop, phantom_identity(), path);
  ASSERT_TRUE(status.ok()) << status.to_string();

  Result<CineLoop> read = load(path, plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->source().format, "dicom");
  EXPECT_EQ(read->source().sop_class_uid, kUsMultiframeStorage);
  EXPECT_EQ(read->source().transfer_syntax_uid, "1.2.840.10008.1.2.1");
  EXPECT_EQ(read->source().modality, "US");
  EXPECT_EQ(read->source().manufacturer, "dynamus");
  EXPECT_EQ(read->source().photometric, "MONOCHROME2");
  ASSERT_EQ(read->frame_count(), kFrames);
  ASSERT_EQ(read->width_px(), kWidth);
  ASSERT_EQ(read->height_px(), kHeight);
  EXPECT_TRUE(std::equal(read->pixels().begin(), read->pixels().end(), loop.pixels().begin(),
                         loop.pixels().end()));

  EXPECT_EQ(calibration_label(read->calibration()), "dicom-region");
  ASSERT_TRUE(read->calibration().spacing_mm);
  EXPECT_NEAR((*read->calibration().spacing_mm)[0], 0.1, 1e-12);
  EXPECT_NEAR((*read->calibration().spacing_mm)[1], 0.125, 1e-12);
  EXPECT_EQ(read->region_px(), (RegionPx{0, 0, kWidth - 1, kHeight - 1}));
  EXPECT_EQ(read->region_source(), RegionSource::kFile);

  EXPECT_EQ(read->timing().source, TimingSource::kFrameTime);
  EXPECT_NEAR(*read->fps(), kFps, 1e-9);
  for (int i = 0; i < kFrames; ++i) {
    EXPECT_NEAR(read->timing().timestamps_s[std::size_t(i)], i / kFps, 1e-9);
  }
  EXPECT_TRUE(read->warnings().empty()) << read->warnings().front();

  const std::string seed = phantom_identity().uid_seed;
  EXPECT_EQ(read->source().study_uid, uid_from_seed(seed + "/study"));
  EXPECT_EQ(read->source().series_uid, uid_from_seed(seed + "/series"));
  EXPECT_EQ(read->source().instance_uid, uid_from_seed(seed + "/instance"));
  for (const std::string& uid :
       {read->source().study_uid, read->source().series_uid, read->source().instance_uid}) {
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
  }
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"phantom.dcm"});
}

TEST(WriteDicom, SameLoopAndSeedGiveByteIdenticalFiles) {
  TempDir dir;
  const CineLoop loop = test_loop();
  ASSERT_TRUE(write_dicom(loop, phantom_identity(), dir / "a.dcm").ok());
  ASSERT_TRUE(write_dicom(loop, phantom_identity(), dir / "b.dcm").ok());
  EXPECT_TRUE(read_bytes(dir / "a.dcm") == read_bytes(dir / "b.dcm")) << "files differ";

  DicomCineIdentity other = phantom_identity();
  other.uid_seed = "retracting-tear/8/0123abcd";
  ASSERT_TRUE(write_dicom(loop, other, dir / "c.dcm").ok());
  Result<CineLoop> a = load(dir / "a.dcm", plain_load());
  Result<CineLoop> c = load(dir / "c.dcm", plain_load());
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_NE(a->source().study_uid, c->source().study_uid);
  EXPECT_NE(a->source().instance_uid, c->source().instance_uid);
}

TEST(WriteDicom, ExplicitUidsAndDatesAreWritten) {
  TempDir dir;
  DicomCineIdentity identity = phantom_identity();
  identity.study_uid = "1.2.826.0.1.3680043.10.1.1";
  identity.series_uid = "1.2.826.0.1.3680043.10.1.2";
  identity.instance_uid = "1.2.826.0.1.3680043.10.1.3";
  identity.content_date = "20240131";
  identity.content_time = "142530.5";
  identity.institution = "Phantom Lab";
  ASSERT_TRUE(write_dicom(test_loop(), identity, dir / "x.dcm").ok());
  Result<CineLoop> read = load(dir / "x.dcm", plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->source().study_uid, identity.study_uid);
  EXPECT_EQ(read->source().series_uid, identity.series_uid);
  EXPECT_EQ(read->source().instance_uid, identity.instance_uid);
  const std::string bytes = read_bytes(dir / "x.dcm");
  EXPECT_NE(bytes.find("20240131"), std::string::npos);
  EXPECT_NE(bytes.find("142530.5"), std::string::npos);
  EXPECT_NE(bytes.find("Phantom Lab"), std::string::npos);
}

TEST(WriteDicom, NonAsciiIdentityIsWrittenAsUtf8WithLengthsInCharacters) {
  TempDir dir;
  DicomCineIdentity identity = phantom_identity();
  identity.patient_name = "Müller^Jörg";
  std::string sixty_four_characters;  // 128 bytes, within LO's 64 characters
  for (int i = 0; i < 64; ++i) sixty_four_characters += "é";
  identity.series_description = sixty_four_characters;
  const Status status = write_dicom(test_loop(), identity, dir / "utf8.dcm");
  ASSERT_TRUE(status.ok()) << status.to_string();
  const std::string bytes = read_bytes(dir / "utf8.dcm");
  EXPECT_NE(bytes.find("ISO_IR 192"), std::string::npos);
  EXPECT_NE(bytes.find("Müller^Jörg"), std::string::npos);
  EXPECT_NE(bytes.find(sixty_four_characters), std::string::npos);
}

TEST(WriteDicom, LoopReadFromAVideoIsDerivedAndLossyOneMadeInMemoryOriginal) {
  TempDir dir;
  ASSERT_TRUE(write_video(test_loop(), dir / "loop.mp4").ok());
  LoadOptions options = plain_load();
  options.overrides.spacing_mm = std::array<double, 2>{0.1, 0.125};
  Result<CineLoop> from_video = load(dir / "loop.mp4", options);
  ASSERT_TRUE(from_video.ok()) << from_video.status().to_string();
  ASSERT_TRUE(write_dicom(*from_video, phantom_identity(), dir / "derived.dcm").ok());
  const std::string bytes = read_bytes(dir / "derived.dcm");
  EXPECT_NE(bytes.find("DERIVED\\PRIMARY\\MUSCULOSKELETAL\\0001"), std::string::npos);
  // (0028,2110) CS "01", explicit VR little endian.
  EXPECT_NE(bytes.find(std::string("\x28\x00\x10\x21"
                                   "CS\x02\x00"
                                   "01",
                                   10)),
            std::string::npos);

  CineLoop::Parts simulated = loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps));
  simulated.source.format = "phantom";  // made in memory: no file, no checksum
  ASSERT_TRUE(
      write_dicom(make_loop(std::move(simulated)), phantom_identity(), dir / "original.dcm").ok());
  const std::string original = read_bytes(dir / "original.dcm");
  EXPECT_NE(original.find("ORIGINAL\\PRIMARY"), std::string::npos);
  EXPECT_EQ(original.find(std::string("\x28\x00\x10\x21", 4)), std::string::npos);
}

TEST(WriteDicom, UnevenTimingWritesAFrameTimeVectorThatRoundTrips) {
  TempDir dir;
  const std::vector<double> times_s = {0.0, 0.04, 0.07, 0.1234567, 0.16};
  const CineLoop loop = make_loop(loop_parts(kWidth, kHeight, times_s));
  ASSERT_TRUE(write_dicom(loop, phantom_identity(), dir / "uneven.dcm").ok());
  Result<CineLoop> read = load(dir / "uneven.dcm", plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->timing().source, TimingSource::kFrameTimeVector);
  ASSERT_EQ(read->timing().timestamps_s.size(), times_s.size());
  for (std::size_t i = 0; i < times_s.size(); ++i) {
    EXPECT_NEAR(read->timing().timestamps_s[i], times_s[i], 1e-6) << "frame " << i;
  }
  EXPECT_NEAR(*read->fps(), *loop.fps(), 1e-6);
}

TEST(WriteDicom, LongJitteredTimingRoundTripsWithoutAccumulatingRounding) {
  TempDir dir;
  constexpr int kLongFrames = 600;
  std::vector<double> times_s(kLongFrames);
  for (int i = 0; i < kLongFrames; ++i) {
    times_s[std::size_t(i)] = i / 30.0 + 0.002 * std::sin(i);  // a scanner's jitter
  }
  const CineLoop loop = make_loop(loop_parts(4, 2, times_s));
  ASSERT_TRUE(write_dicom(loop, phantom_identity(), dir / "long.dcm").ok());
  Result<CineLoop> read = load(dir / "long.dcm", plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->timing().source, TimingSource::kFrameTimeVector);
  ASSERT_EQ(read->timing().timestamps_s.size(), times_s.size());
  double worst_s = 0.0;
  for (std::size_t i = 0; i < times_s.size(); ++i) {
    worst_s = std::max(worst_s, std::abs(read->timing().timestamps_s[i] - times_s[i]));
  }
  EXPECT_LT(worst_s, 1e-6);
}

TEST(WriteDicom, FrameTimeVectorBeyondItsElementLengthIsUnsupported) {
  TempDir dir;
  constexpr int kManyFrames = 10000;
  std::vector<double> times_s(kManyFrames);
  for (int i = 0; i < kManyFrames; ++i) times_s[std::size_t(i)] = i / 30.0 + 0.002 * std::sin(i);
  const Status status =
      write_dicom(make_loop(loop_parts(2, 2, times_s)), phantom_identity(), dir / "many.dcm");
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_EQ(status.context(), (dir / "many.dcm").string());
  EXPECT_TRUE(file_names(dir.path()).empty());
}

TEST(WriteDicom, LoopWithoutCalibrationOrTimingIsRefusedAndNothingIsWritten) {
  TempDir dir;
  CineLoop::Parts uncalibrated = loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps));
  uncalibrated.calibration = {};
  Status status =
      write_dicom(make_loop(std::move(uncalibrated)), phantom_identity(), dir / "a.dcm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.context(), (dir / "a.dcm").string());

  CineLoop::Parts untimed = loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps));
  untimed.timing = {};
  status = write_dicom(make_loop(std::move(untimed)), phantom_identity(), dir / "b.dcm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);

  CineLoop::Parts untrusted = loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps));
  untrusted.calibration.trusted = false;
  status = write_dicom(make_loop(std::move(untrusted)), phantom_identity(), dir / "c.dcm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(file_names(dir.path()).empty());
}

TEST(WriteDicom, IdentityDicomCannotHoldIsRefusedAndTheOldFileStays) {
  TempDir dir;
  const auto path = dir / "p.dcm";
  ASSERT_TRUE(write_dicom(test_loop(), phantom_identity(), path).ok());
  const std::string before = read_bytes(path);
  auto refused = [&](auto mutate) {
    DicomCineIdentity identity = phantom_identity();
    mutate(identity);
    const Status status = write_dicom(test_loop(), identity, path);
    return status.code() == StatusCode::kInvalidArgument && status.context() == path.string();
  };
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.patient_id = std::string(65, 'X'); }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.patient_name = std::string(65, 'X'); }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.study_description = "a\\b"; }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.content_date = "2024-01-31"; }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.content_time = "25:00"; }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.study_uid = "1.02.3"; }));
  EXPECT_TRUE(refused([](DicomCineIdentity& i) { i.uid_seed.clear(); }));
  EXPECT_TRUE(read_bytes(path) == before) << "the old file changed";
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"p.dcm"});
}

TEST(WriteDicom, MissingFolderIsAnErrorNamingThePathAndLeavesNoTemporary) {
  TempDir dir;
  const auto path = dir / "missing" / "phantom.dcm";
  const Status status = write_dicom(test_loop(), phantom_identity(), path);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.context(), path.string());
  EXPECT_NE(status.to_string().find(path.string()), std::string::npos);
  EXPECT_TRUE(file_names(dir.path()).empty());
}

// dciodvfy (Debian's dicom3tools) checks the file against the IOD: no "Error" lines allowed.
TEST(WriteDicom, DciodvfyFindsNoErrors) {
  if (std::system("command -v dciodvfy >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "dciodvfy not installed (apt-get install dicom3tools)";
  }
  TempDir dir;
  const auto path = dir / "phantom.dcm";
  DicomCineIdentity identity = phantom_identity();
  identity.content_date = "20240131";
  identity.content_time = "142530";
  ASSERT_TRUE(write_dicom(test_loop(), identity, path).ok());
  const CineLoop uneven = make_loop(loop_parts(kWidth, kHeight, {0.0, 0.04, 0.07, 0.12, 0.16}));
  const auto uneven_path = dir / "uneven.dcm";
  ASSERT_TRUE(write_dicom(uneven, phantom_identity(), uneven_path).ok());

  for (const auto& file : {path, uneven_path}) {
    const std::string command = "dciodvfy '" + file.string() + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) output += buffer;
    std::size_t start = 0;
    while (start < output.size()) {
      const std::size_t end = std::min(output.find('\n', start), output.size());
      const std::string line = output.substr(start, end - start);
      EXPECT_NE(line.rfind("Error", 0), 0u) << file.filename() << ": " << line;
      start = end + 1;
    }
  }
}

// --- Video ---------------------------------------------------------------------------------

TEST(WriteVideo, Mp4RoundTripKeepsFramesRateAndContent) {
  TempDir dir;
  const CineLoop loop = test_loop();
  const auto path = dir / "loop.mp4";
  const Status status = write_video(loop, path);
  ASSERT_TRUE(status.ok()) << status.to_string();
  Result<CineLoop> read = load(path, plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->source().format, "video");
  ASSERT_EQ(read->frame_count(), kFrames);
  ASSERT_EQ(read->width_px(), kWidth);
  ASSERT_EQ(read->height_px(), kHeight);
  EXPECT_NEAR(*read->fps(), kFps, 1e-3);
  for (int f = 0; f < kFrames; ++f) {
    EXPECT_LT(mean_abs_difference(*read, loop, f), 4.0) << "frame " << f;
  }
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"loop.mp4"});
}

TEST(WriteVideo, OddSizesGainARepeatedColumnAndRow) {
  TempDir dir;
  const CineLoop loop =
      make_loop(loop_parts(kWidth - 1, kHeight - 1, uniform_times_s(kFrames, kFps)));
  ASSERT_TRUE(write_video(loop, dir / "odd.mp4").ok());
  Result<CineLoop> read = load(dir / "odd.mp4", plain_load());
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_EQ(read->frame_count(), kFrames);
  EXPECT_EQ(read->width_px(), kWidth);
  EXPECT_EQ(read->height_px(), kHeight);
  for (int f = 0; f < kFrames; ++f) {
    EXPECT_LT(mean_abs_difference(*read, loop, f), 4.0) << "frame " << f;
  }
}

TEST(WriteVideo, RefusesLoopsWithoutTimingAndPathsThatAreNotMp4) {
  TempDir dir;
  CineLoop::Parts untimed = loop_parts(kWidth, kHeight, uniform_times_s(kFrames, kFps));
  untimed.timing = {};
  Status status = write_video(make_loop(std::move(untimed)), dir / "a.mp4");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.context(), (dir / "a.mp4").string());
  status = write_video(test_loop(), dir / "a.avi");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(file_names(dir.path()).empty());
}

TEST(WriteVideo, MissingFolderIsAnErrorNamingThePath) {
  TempDir dir;
  const auto path = dir / "missing" / "loop.mp4";
  const Status status = write_video(test_loop(), path);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.context(), path.string());
  EXPECT_TRUE(file_names(dir.path()).empty());
}

}  // namespace
}  // namespace dynamus::imaging
