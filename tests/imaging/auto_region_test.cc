// detect_image_region on synthetic screen captures with known truth (speckle pasted into a scanner
// UI: menu bar with a running clock, text blocks, a blinking cursor, a depth scale, a grey bar, a
// focus marker and a logo) and on two real screenshots whose image rectangle was read by eye.
#include "dynamus/imaging/auto_region.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "realdata.h"

namespace dynamus::imaging {
namespace {

constexpr int kTolerancePx = 2;
constexpr int kLoopFrames = 30;

// Tissue motion in the synthetic loop: a slow sway, as during a contraction.
constexpr int kMaxShiftPx = 8;
constexpr double kLateralSwayPx = 6.0;
constexpr double kAxialSwayPx = 3.0;
constexpr double kSwayPeriodFrames = 20.0;

// Speckle: a complex Gaussian field through an anisotropic point spread (lateral resolution coarser
// than axial); its magnitude is Rayleigh distributed.
constexpr double kLateralSigmaPx = 3.0;
constexpr double kAxialSigmaPx = 1.5;
// Log compression to 8 bit: grey = (dB + kFloorDb) * 255 / kDynamicRangeDb, tissue at 0 dB.
constexpr double kFloorDb = 25.0;
constexpr double kDynamicRangeDb = 55.0;
constexpr double kResidualAttenuationDb = 20.0;  // from top to bottom of the image
constexpr float kBandEcho = 4.0f;                // +12 dB: fascia, aponeuroses
constexpr float kAnechoicEcho = 1e-3f;  // -60 dB: fluid and shadow, black after compression

// Echo amplitude of a tissue field: speckle times echogenicity (bands, a fluid pocket, a shadow
// under the deepest band reaching the bottom).
cv::Mat tissue_field(const cv::Size& size, std::uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat in_phase(size, CV_32F), quadrature(size, CV_32F);
  rng.fill(in_phase, cv::RNG::NORMAL, 0.0, 1.0);
  rng.fill(quadrature, cv::RNG::NORMAL, 0.0, 1.0);
  cv::GaussianBlur(in_phase, in_phase, cv::Size(), kLateralSigmaPx, kAxialSigmaPx);
  cv::GaussianBlur(quadrature, quadrature, cv::Size(), kLateralSigmaPx, kAxialSigmaPx);
  cv::Mat envelope;
  cv::magnitude(in_phase, quadrature, envelope);
  envelope /= cv::mean(envelope)[0];

  // Attenuation that the time-gain compensation leaves: the image darkens with depth.
  cv::Mat echo(size, CV_32F);
  for (int row = 0; row < size.height; ++row) {
    const double loss_db = kResidualAttenuationDb * row / size.height;
    echo.row(row).setTo(cv::Scalar(std::pow(10.0, -loss_db / 20.0)));
  }
  const int band_px = std::max(4, size.height / 60);
  for (double depth : {0.15, 0.4, 0.72}) {
    const int y = static_cast<int>(depth * size.height);
    cv::line(echo, {0, y}, {size.width - 1, y + size.height / 40},
             cv::Scalar(kBandEcho * std::pow(10.0, -kResidualAttenuationDb * depth / 20.0)),
             band_px);
  }
  const int deepest_band_y = static_cast<int>(0.72 * size.height) + band_px;
  cv::rectangle(echo, cv::Rect(size.width * 55 / 100, deepest_band_y, size.width / 4, size.height),
                cv::Scalar(kAnechoicEcho), cv::FILLED);
  cv::ellipse(echo, cv::Point(size.width * 6 / 10, size.height * 55 / 100),
              cv::Size(size.width * 18 / 100, size.height / 14), 0.0, 0.0, 360.0,
              cv::Scalar(kAnechoicEcho), cv::FILLED);
  return envelope.mul(echo);
}

// 8-bit B-mode of `image_size` from the field, displaced by the tissue motion of frame `frame`.
cv::Mat b_mode(const cv::Mat& field, const cv::Size& image_size, int frame) {
  const double phase = 2.0 * CV_PI * frame / kSwayPeriodFrames;
  const int dx = static_cast<int>(std::lround(kLateralSwayPx * std::sin(phase)));
  const int dy = static_cast<int>(std::lround(kAxialSwayPx * std::sin(phase)));
  const cv::Mat amplitude =
      field(cv::Rect(kMaxShiftPx + dx, kMaxShiftPx + dy, image_size.width, image_size.height));
  cv::Mat log_amplitude;
  cv::log(amplitude + 1e-6, log_amplitude);
  const double db_per_ln = 20.0 / std::log(10.0);
  const double grey_per_db = 255.0 / kDynamicRangeDb;
  cv::Mat grey;
  log_amplitude.convertTo(grey, CV_8U, db_per_ln * grey_per_db, kFloorDb * grey_per_db);
  return grey;
}

cv::Size field_size(const cv::Size& image_size) {
  return {image_size.width + 2 * kMaxShiftPx, image_size.height + 2 * kMaxShiftPx};
}

// Scanner UI around `image` on a canvas; what changes with `frame` is the clock and the cursor.
void draw_chrome(cv::Mat& canvas, const cv::Rect& image, int frame) {
  const double font = canvas.rows / 1000.0;
  const int line_px = static_cast<int>(40 * font);
  const cv::Scalar text_grey(200), chrome_grey(58), scale_grey(180);
  canvas.setTo(cv::Scalar(24));

  const int bar_px = canvas.rows / 16;
  cv::rectangle(canvas, cv::Rect(0, 0, canvas.cols, bar_px), chrome_grey, cv::FILLED);
  cv::putText(canvas, "File  Patient  Preset: MSK  Probe: 12L3", {8, bar_px * 2 / 3},
              cv::FONT_HERSHEY_SIMPLEX, font, text_grey, 1, cv::LINE_AA);
  char clock[16];
  std::snprintf(clock, sizeof(clock), "10:42:%02d", (frame / 3) % 60);
  cv::putText(canvas, clock, {canvas.cols - static_cast<int>(170 * font), bar_px * 2 / 3},
              cv::FONT_HERSHEY_SIMPLEX, font, text_grey, 1, cv::LINE_AA);

  const char* left_lines[] = {"12L3",     "MSK",      "Gain 52%", "DR 70 dB", "Depth 4.0 cm",
                              "Freq 12M", "FR 27 Hz", "MI 1.1",   "TIS 0.3"};
  int y = bar_px + 2 * line_px;
  for (const char* text : left_lines) {
    cv::putText(canvas, text, {10, y}, cv::FONT_HERSHEY_SIMPLEX, 0.9 * font, text_grey, 1,
                cv::LINE_AA);
    y += line_px;
  }
  if ((frame / 4) % 2 == 0) {  // blinking text cursor
    cv::rectangle(canvas, cv::Rect(10, y - line_px / 2, line_px / 3, line_px / 2), text_grey,
                  cv::FILLED);
  }

  const int focus_y = image.y + image.height / 3;
  const std::vector<cv::Point> focus = {
      {image.x - 14, focus_y - 6}, {image.x - 4, focus_y}, {image.x - 14, focus_y + 6}};
  cv::fillConvexPoly(canvas, focus, text_grey, cv::LINE_AA);

  // Depth scale 4 px right of the image, ticks and centimetre labels further out.
  const int scale_x = image.x + image.width + 4;
  cv::line(canvas, {scale_x, image.y}, {scale_x, image.y + image.height - 1}, scale_grey, 1);
  const int tick_step_px = image.height / 8;
  for (int i = 0; i * tick_step_px < image.height; ++i) {
    const int tick_y = image.y + i * tick_step_px;
    const bool major = i % 2 == 0;
    cv::line(canvas, {scale_x, tick_y}, {scale_x + (major ? 8 : 4), tick_y}, scale_grey, 1);
    if (major) {
      cv::putText(canvas, std::to_string(i / 2), {scale_x + 12, tick_y + 5},
                  cv::FONT_HERSHEY_SIMPLEX, 0.7 * font, text_grey, 1, cv::LINE_AA);
    }
  }

  // Grey bar: a vertical ramp from white to black.
  const cv::Rect grey_bar(scale_x + 40, image.y, 14, image.height / 2);
  for (int row = 0; row < grey_bar.height; ++row) {
    const double level = 255.0 * (1.0 - static_cast<double>(row) / grey_bar.height);
    canvas(cv::Rect(grey_bar.x, grey_bar.y + row, grey_bar.width, 1)).setTo(cv::Scalar(level));
  }
  const char* right_lines[] = {"Frq 12", "Gn 52", "S/A 2/1", "Map C", "D 4.0", "DR 70"};
  y = image.y + line_px / 2;
  for (const char* text : right_lines) {
    cv::putText(canvas, text, {grey_bar.x + grey_bar.width + 14, y}, cv::FONT_HERSHEY_SIMPLEX,
                0.8 * font, text_grey, 1, cv::LINE_AA);
    y += line_px;
  }

  const cv::Rect logo(10, canvas.rows - 50, 80, 36);
  cv::rectangle(canvas, logo, cv::Scalar(220), cv::FILLED);
  cv::circle(canvas, {logo.x + 18, logo.y + 18}, 12, cv::Scalar(40), 2, cv::LINE_AA);
  cv::putText(canvas, "dm", {logo.x + 36, logo.y + 26}, cv::FONT_HERSHEY_SIMPLEX, 0.8,
              cv::Scalar(40), 2, cv::LINE_AA);
}

// Overlays a scanner draws on the image itself: an orientation label and depth ticks.
void draw_overlays(cv::Mat& b_mode_image) {
  cv::putText(b_mode_image, "RF long", {8, 22}, cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(230), 1,
              cv::LINE_AA);
  const int right = b_mode_image.cols - 1;
  for (int y = 0; y < b_mode_image.rows; y += b_mode_image.rows / 8) {
    cv::line(b_mode_image, {right - 5, y}, {right, y}, cv::Scalar(230), 1);
  }
}

struct Capture {
  int width_px = 0;
  int height_px = 0;
  int frame_count = 0;
  std::vector<std::uint8_t> pixels;

  void append(const cv::Mat& frame) {
    width_px = frame.cols;
    height_px = frame.rows;
    ++frame_count;
    pixels.insert(pixels.end(), frame.datastart, frame.dataend);
  }
  std::optional<RegionPx> detect() const {
    return detect_image_region(pixels, width_px, height_px, frame_count);
  }
};

// The image rectangle `image` of a scanner screen; a fan-shaped scan fills only `scan_mask` (of
// the image's size; empty for a linear probe's full rectangle) and is black around it.
Capture screen_capture(const cv::Size& canvas_size, const cv::Rect& image, int frames,
                       std::uint64_t seed, const cv::Mat& scan_mask = {}) {
  const cv::Mat field = tissue_field(field_size(image.size()), seed);
  Capture capture;
  for (int frame = 0; frame < frames; ++frame) {
    cv::Mat canvas(canvas_size, CV_8UC1);
    draw_chrome(canvas, image, frame);
    cv::Mat picture = b_mode(field, image.size(), frame);
    if (!scan_mask.empty()) picture.setTo(cv::Scalar(0), scan_mask == 0);
    draw_overlays(picture);
    picture.copyTo(canvas(image));
    capture.append(canvas);
  }
  return capture;
}

// Zero-mean Gaussian noise of `sigma` grey levels on every pixel of every frame, as an analogue
// frame grabber adds it.
void add_capture_noise(Capture& capture, double sigma) {
  cv::Mat pixels(static_cast<int>(capture.pixels.size()), 1, CV_8UC1, capture.pixels.data());
  cv::Mat noise(pixels.size(), CV_16SC1);
  cv::RNG(19).fill(noise, cv::RNG::NORMAL, 0.0, sigma);
  cv::add(pixels, noise, pixels, cv::noArray(), CV_8U);
}

RegionPx to_region(const cv::Rect& rect) {
  return {rect.x, rect.y, rect.x + rect.width - 1, rect.y + rect.height - 1};
}

void expect_region_near(const std::optional<RegionPx>& found, const RegionPx& truth,
                        int tolerance_px) {
  ASSERT_TRUE(found.has_value());
  EXPECT_NEAR(found->x0, truth.x0, tolerance_px);
  EXPECT_NEAR(found->y0, truth.y0, tolerance_px);
  EXPECT_NEAR(found->x1, truth.x1, tolerance_px);
  EXPECT_NEAR(found->y1, truth.y1, tolerance_px);
}

struct Layout {
  cv::Size canvas;
  cv::Rect image;
};

void PrintTo(const Layout& layout, std::ostream* os) {
  *os << layout.canvas.width << "x" << layout.canvas.height << " image at " << layout.image.x << ","
      << layout.image.y << " " << layout.image.width << "x" << layout.image.height;
}

class AutoRegionSynthetic : public ::testing::TestWithParam<Layout> {};

TEST_P(AutoRegionSynthetic, StillFrameFindsTheImage) {
  const Layout& layout = GetParam();
  const Capture capture = screen_capture(layout.canvas, layout.image, 1, 7);
  expect_region_near(capture.detect(), to_region(layout.image), kTolerancePx);
}

TEST_P(AutoRegionSynthetic, LoopFindsTheImage) {
  const Layout& layout = GetParam();
  const Capture capture = screen_capture(layout.canvas, layout.image, kLoopFrames, 11);
  expect_region_near(capture.detect(), to_region(layout.image), kTolerancePx);
}

INSTANTIATE_TEST_SUITE_P(AutoRegion, AutoRegionSynthetic,
                         ::testing::Values(Layout{{640, 480}, {170, 50, 320, 400}},
                                           Layout{{800, 600}, {180, 60, 440, 500}},
                                           Layout{{1024, 768}, {240, 80, 600, 620}},
                                           Layout{{1280, 720}, {400, 70, 560, 600}},
                                           Layout{{960, 540}, {300, 45, 380, 470}}));

// Sector and convex scans are fans inside the image rectangle; the region is the fan's bounding
// rectangle. The density window rounds off the fan's sharp corners by up to 3 px.
constexpr int kFanTolerancePx = 3;
const cv::Size kFanCanvas(800, 600);
const cv::Rect kFanImage(150, 60, 560, 420);

cv::Mat sector_mask(const cv::Size& size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  const int radius_px = size.height - 1;
  cv::ellipse(mask, {size.width / 2, 0}, {radius_px, radius_px}, 90.0, -35.0, 35.0, cv::Scalar(255),
              cv::FILLED);
  return mask;
}

cv::Mat convex_mask(const cv::Size& size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  const double half_angle_deg = 30.0;
  const int probe_radius_px = 150;
  const cv::Point centre(
      size.width / 2, -static_cast<int>(probe_radius_px * std::cos(half_angle_deg * CV_PI / 180)));
  const int depth_radius_px = size.height - 1 - centre.y;
  cv::ellipse(mask, centre, {depth_radius_px, depth_radius_px}, 90.0, -half_angle_deg,
              half_angle_deg, cv::Scalar(255), cv::FILLED);
  cv::circle(mask, centre, probe_radius_px, cv::Scalar(0), cv::FILLED);
  return mask;
}

TEST(AutoRegion, SectorScanIsTheFansBoundingRectangle) {
  const cv::Mat mask = sector_mask(kFanImage.size());
  const RegionPx truth = to_region(cv::boundingRect(mask) + kFanImage.tl());
  expect_region_near(screen_capture(kFanCanvas, kFanImage, 1, 23, mask).detect(), truth,
                     kFanTolerancePx);
  expect_region_near(screen_capture(kFanCanvas, kFanImage, kLoopFrames, 23, mask).detect(), truth,
                     kFanTolerancePx);
}

TEST(AutoRegion, ConvexScanIsTheFansBoundingRectangle) {
  const cv::Mat mask = convex_mask(kFanImage.size());
  const RegionPx truth = to_region(cv::boundingRect(mask) + kFanImage.tl());
  expect_region_near(screen_capture(kFanCanvas, kFanImage, 1, 29, mask).detect(), truth,
                     kFanTolerancePx);
  expect_region_near(screen_capture(kFanCanvas, kFanImage, kLoopFrames, 29, mask).detect(), truth,
                     kFanTolerancePx);
}

// A black band across the whole image, wider than the gaps the detector bridges (a thick fluid
// layer), leaves two textured pieces with the same sides: still one image.
TEST(AutoRegion, DarkBandAcrossTheImageDoesNotSplitIt) {
  const cv::Rect image(180, 60, 440, 500);
  cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(255));
  mask(cv::Rect(0, image.height / 2 - 25, image.width, 50)).setTo(cv::Scalar(0));
  expect_region_near(screen_capture({800, 600}, image, 1, 31, mask).detect(), to_region(image),
                     kTolerancePx);
  expect_region_near(screen_capture({800, 600}, image, kLoopFrames, 31, mask).detect(),
                     to_region(image), kTolerancePx);
}

// Noise over the whole screen makes every pixel textured in a single frame, but in a loop only the
// image changes by more than the noise.
TEST(AutoRegion, LoopFromANoisyCaptureFindsTheImage) {
  const cv::Rect image(180, 60, 440, 500);
  Capture capture = screen_capture({800, 600}, image, kLoopFrames, 37);
  add_capture_noise(capture, 1.5);
  expect_region_near(capture.detect(), to_region(image), kTolerancePx);
}

TEST(AutoRegion, ImageWithoutChromeIsTheFullFrame) {
  const cv::Size size(400, 300);
  const cv::Mat field = tissue_field(field_size(size), 3);
  Capture still, loop;
  still.append(b_mode(field, size, 0));
  for (int frame = 0; frame < kLoopFrames; ++frame) loop.append(b_mode(field, size, frame));
  const RegionPx full{0, 0, size.width - 1, size.height - 1};
  expect_region_near(still.detect(), full, kTolerancePx);
  expect_region_near(loop.detect(), full, kTolerancePx);
}

TEST(AutoRegion, NoiseOverTheWholeFrameIsTheFullFrame) {
  cv::Mat noise(240, 320, CV_8UC1);
  cv::RNG(5).fill(noise, cv::RNG::UNIFORM, 0, 256);
  Capture capture;
  capture.append(noise);
  const RegionPx full{0, 0, noise.cols - 1, noise.rows - 1};
  expect_region_near(capture.detect(), full, 0);
}

TEST(AutoRegion, UniformFrameHasNoImage) {
  const cv::Mat grey(480, 640, CV_8UC1, cv::Scalar(90));
  Capture still, loop;
  still.append(grey);
  for (int frame = 0; frame < kLoopFrames; ++frame) loop.append(grey);
  EXPECT_FALSE(still.detect().has_value());
  EXPECT_FALSE(loop.detect().has_value());
}

TEST(AutoRegion, ChromeAloneHasNoImage) {
  cv::Mat canvas(480, 640, CV_8UC1);
  draw_chrome(canvas, cv::Rect(170, 50, 320, 400), 0);
  Capture capture;
  capture.append(canvas);
  EXPECT_FALSE(capture.detect().has_value());
}

// A frozen, larger copy of an image beside the live one (a reference view): only the live image
// changes, so a loop finds it although a single frame cannot tell them apart.
TEST(AutoRegion, LoopPrefersTheLiveImageOverAStaticOne) {
  const cv::Size canvas_size(1024, 576);
  const cv::Rect live(60, 60, 380, 450), frozen(520, 40, 460, 500);
  const cv::Mat live_field = tissue_field(field_size(live.size()), 13);
  const cv::Mat frozen_picture =
      b_mode(tissue_field(field_size(frozen.size()), 17), frozen.size(), 0);
  Capture capture;
  for (int frame = 0; frame < kLoopFrames; ++frame) {
    cv::Mat canvas(canvas_size, CV_8UC1, cv::Scalar(24));
    b_mode(live_field, live.size(), frame).copyTo(canvas(live));
    frozen_picture.copyTo(canvas(frozen));
    capture.append(canvas);
  }
  expect_region_near(capture.detect(), to_region(live), kTolerancePx);
}

std::optional<RegionPx> detect_in_file(const std::filesystem::path& path) {
  const cv::Mat grey = cv::imread(path.string(), cv::IMREAD_GRAYSCALE);
  if (grey.empty()) return std::nullopt;
  Capture capture;
  capture.append(grey);
  return capture.detect();
}

// Panoramic transverse rectus femoris (Siemens UI: header bar, parameter list, depth scale, grey
// bar). The image is a curved band; its bounding rectangle was read from the pixels: leftmost
// image column 182 (the tip at row 402; the depth scale's end tick reaches column 181, touching
// it), top row 116 (top of the arc by the right edge), right column 971 (the depth scale's line
// is at columns 978-979), bottom row 730 (the lower tip near column 460).
TEST(AutoRegionRealData, PanoramicRectusFemorisScreenshot) {
  DYNAMUS_REQUIRE_REALDATA(path, "msk/deepacsa/rectus_img_55.tif");
  expect_region_near(detect_in_file(path), RegionPx{182, 116, 971, 730}, 8);
}

// Longitudinal muscle with its aponeuroses (grey bar left, focus marks, time line below). The
// image is rotated by about 1.4 degrees; its bounding rectangle, from the first and last rows and
// columns with image pixels brighter than 8: columns 43 to 631, rows 67 to 532.
TEST(AutoRegionRealData, MuscleScreenshot) {
  DYNAMUS_REQUIRE_REALDATA(path, "msk/dltrack_apo_pair/raw_apo12_0_1929.tif");
  expect_region_near(detect_in_file(path), RegionPx{43, 67, 631, 532}, 5);
}

}  // namespace
}  // namespace dynamus::imaging
