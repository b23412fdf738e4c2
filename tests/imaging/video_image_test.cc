// Video and image-sequence round trips: frames written with OpenCV come back in order, with the
// container's timing, and with the pixels (exactly for lossless codecs).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "dynamus/imaging/load.h"
#include "temp_dir.h"

namespace dynamus::imaging {
namespace {

using testing::TempDir;

constexpr int kWidth = 160;
constexpr int kHeight = 120;

// A textured frame whose content identifies its index: a bright square moves one step per frame.
cv::Mat synthetic_frame(int index) {
  cv::Mat frame(kHeight, kWidth, CV_8UC1);
  cv::RNG rng(1234);
  rng.fill(frame, cv::RNG::UNIFORM, 40, 120);
  cv::GaussianBlur(frame, frame, {5, 5}, 1.0);
  cv::rectangle(frame, cv::Rect(10 + 4 * index, 40, 16, 16), cv::Scalar(230), cv::FILLED);
  return frame;
}

std::vector<cv::Mat> write_video(const std::filesystem::path& path, const char* fourcc, double fps,
                                 int frames) {
  cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG,
                         cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]), fps,
                         {kWidth, kHeight}, /*isColor=*/true);
  EXPECT_TRUE(writer.isOpened()) << "FFmpeg cannot write " << fourcc;
  std::vector<cv::Mat> written;
  for (int i = 0; i < frames; ++i) {
    written.push_back(synthetic_frame(i));
    cv::Mat bgr;
    cv::cvtColor(written.back(), bgr, cv::COLOR_GRAY2BGR);
    writer.write(bgr);
  }
  return written;
}

double mean_abs_difference(const CineLoop& loop, int index, const cv::Mat& expected) {
  cv::Mat actual(loop.height_px(), loop.width_px(), CV_8UC1,
                 const_cast<std::uint8_t*>(loop.frame(index).data()));
  cv::Mat difference;
  cv::absdiff(actual, expected, difference);
  return cv::mean(difference)[0];
}

LoadOptions full_frame() {
  LoadOptions options;
  options.auto_region = false;
  return options;
}

TEST(Video, LosslessAviRoundTripKeepsEveryPixelAndTheFrameTimes) {
  TempDir dir;
  const auto path = dir / "loop.avi";
  const std::vector<cv::Mat> written = write_video(path, "FFV1", 25.0, 20);
  Result<CineLoop> loop = load(path, full_frame());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->source().format, "video");
  ASSERT_EQ(loop->frame_count(), 20);
  EXPECT_EQ(loop->timing().source, TimingSource::kContainer);
  for (int i = 0; i < 20; ++i) {
    EXPECT_NEAR(loop->timing().timestamps_s[std::size_t(i)], i / 25.0, 1e-3);
    EXPECT_EQ(mean_abs_difference(*loop, i, written[std::size_t(i)]), 0.0) << "frame " << i;
  }
  EXPECT_NEAR(*loop->fps(), 25.0, 1e-6);
  EXPECT_NEAR(*loop->duration_s(), 0.8, 1e-6);
}

TEST(Video, H264Mp4RoundTripKeepsOrderAndTiming) {
  TempDir dir;
  const auto path = dir / "loop.mp4";
  const std::vector<cv::Mat> written = write_video(path, "avc1", 30.0, 30);
  Result<CineLoop> loop = load(path, full_frame());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  ASSERT_EQ(loop->frame_count(), 30);
  EXPECT_NEAR(*loop->fps(), 30.0, 1e-3);
  for (const std::string& warning : loop->warnings()) {
    EXPECT_EQ(warning.find("timestamps"), std::string::npos) << warning;
  }
  for (int i = 0; i < 30; ++i) {
    // Including the last frames drained from the decoder, for which OpenCV reports no time.
    EXPECT_NEAR(loop->timing().timestamps_s[std::size_t(i)], i / 30.0, 1e-3) << "frame " << i;
    // Lossy: each frame must be far closer to its own original than to its neighbour.
    const double own = mean_abs_difference(*loop, i, written[std::size_t(i)]);
    const double other = mean_abs_difference(*loop, i, written[std::size_t((i + 1) % 30)]);
    EXPECT_LT(own, 4.0) << "frame " << i;
    EXPECT_LT(own, other) << "frame " << i;
  }
}

TEST(Video, TruncatedOrGarbageVideoIsACleanError) {
  TempDir dir;
  const auto good = dir / "good.mp4";
  write_video(good, "avc1", 30.0, 30);
  const auto cut = dir / "cut.mp4";
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() / 3));
  }
  Result<CineLoop> loop = load(cut, full_frame());
  if (loop.ok()) {
    // FFmpeg may recover the frames before the cut; never more than were written.
    EXPECT_LT(loop->frame_count(), 30);
  } else {
    EXPECT_TRUE(loop.status().code() == StatusCode::kUnreadable ||
                loop.status().code() == StatusCode::kInvalidData)
        << loop.status().to_string();
  }
  const auto garbage = dir / "garbage.mp4";
  std::ofstream(garbage, std::ios::binary) << std::string(
                                                  "\0\0\0\x18"
                                                  "ftypisom",
                                                  12)
                                           << std::string(5000, 'x');
  Result<CineLoop> bad = load(garbage, full_frame());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().context(), garbage.string());
}

TEST(ImageSequence, FolderLoadsInNaturalOrderWithSidecarCalibrationAndRate) {
  TempDir dir;
  const auto folder = dir / "frames";
  std::filesystem::create_directories(folder);
  std::vector<cv::Mat> written;
  for (int i = 0; i < 12; ++i) {
    written.push_back(synthetic_frame(i));
    // Unpadded numbers: a plain sort would put frame10 before frame2.
    cv::imwrite((folder / ("frame" + std::to_string(i) + ".png")).string(), written.back());
  }
  std::ofstream(folder / "notes.txt") << "not an image";
  std::ofstream(dir / "frames.json") << R"({"spacing_mm": [0.1, 0.12], "fps": 20})";

  Result<CineLoop> loop = load(folder, full_frame());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->source().format, "image-sequence");
  ASSERT_EQ(loop->frame_count(), 12);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(mean_abs_difference(*loop, i, written[std::size_t(i)]), 0.0) << "frame " << i;
  }
  EXPECT_EQ(loop->calibration().source, CalibrationSource::kSidecar);
  EXPECT_DOUBLE_EQ((*loop->calibration().spacing_mm)[0], 0.1);
  EXPECT_DOUBLE_EQ((*loop->calibration().spacing_mm)[1], 0.12);
  EXPECT_EQ(loop->timing().source, TimingSource::kSidecar);
  EXPECT_NEAR(*loop->fps(), 20.0, 1e-9);
  EXPECT_EQ(loop->source().sha256.size(), 64u);
}

TEST(ImageSequence, FramesOfDifferentSizesAreInvalidData) {
  TempDir dir;
  cv::imwrite((dir / "a1.png").string(), synthetic_frame(0));
  cv::imwrite((dir / "a2.png").string(), cv::Mat(50, 50, CV_8UC1, cv::Scalar(7)));
  Result<CineLoop> loop = load(dir.path(), full_frame());
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(loop.status().to_string().find("a2.png"), std::string::npos) << "names the file";
}

TEST(ImageSequence, SingleColourImageIsAStillFrameWithoutTiming) {
  TempDir dir;
  cv::Mat colour(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 0, 0));  // pure blue, BGR
  cv::imwrite((dir / "still.png").string(), colour);
  Result<CineLoop> loop = load(dir / "still.png", full_frame());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  EXPECT_EQ(loop->source().format, "image");
  EXPECT_EQ(loop->frame_count(), 1);
  EXPECT_FALSE(loop->has_timing());
  EXPECT_EQ(loop->frame(0)[0], 29) << "BT.601 luma of pure blue: round(0.114 * 255)";
}

}  // namespace
}  // namespace dynamus::imaging
