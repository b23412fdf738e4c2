// Writes the bundled demo input until the phantom simulator lands: a short screen recording of a
// scanner display (speckle-textured image that stretches and relaxes like a contracting muscle,
// inside static UI chrome) as an MP4, plus its sidecar with the image's pixel spacing.
//
//   make_screen_capture OUT.mp4
//
// Deterministic: the same bytes of pixels every run (the MP4 encoder may differ across versions).
#include <cmath>
#include <fstream>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace {

constexpr int kScreenWidthPx = 640, kScreenHeightPx = 480;
const cv::Rect kImageRect(120, 60, 400, 360);  // where the ultrasound image sits on screen
constexpr double kSpacingMm = 0.1;             // of the image pixels, written to the sidecar
constexpr double kFps = 25.0;
constexpr int kFrames = 50;
constexpr double kPi = 3.14159265358979323846;

// Speckle-like texture: Rayleigh-distributed amplitudes smoothed into resolution cells, with
// brighter oblique "fascicle" lines and a bright band, log-compressed to 8 bits.
cv::Mat tissue_texture(cv::Size size, cv::RNG& rng) {
  cv::Mat re(size, CV_32F), im(size, CV_32F);
  rng.fill(re, cv::RNG::NORMAL, 0, 1);
  rng.fill(im, cv::RNG::NORMAL, 0, 1);
  cv::GaussianBlur(re, re, {0, 0}, 1.2, 2.0);
  cv::GaussianBlur(im, im, {0, 0}, 1.2, 2.0);
  cv::Mat amplitude;
  cv::magnitude(re, im, amplitude);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double fascicle = std::fmod(y + 0.35 * x, 28.0) < 3.0 ? 2.2 : 1.0;
      const double band = std::abs(y - 0.62 * size.height) < 18 ? 2.8 : 1.0;
      amplitude.at<float>(y, x) *= float(fascicle * band);
    }
  }
  cv::Mat compressed;
  cv::log(amplitude + 0.05f, compressed);
  cv::normalize(compressed, compressed, 0, 255, cv::NORM_MINMAX);
  compressed.convertTo(compressed, CV_8U);
  return compressed;
}

void draw_chrome(cv::Mat& screen, int frame) {
  screen.setTo(cv::Scalar(28, 28, 28));
  cv::rectangle(screen, cv::Rect(0, 0, kScreenWidthPx, 36), cv::Scalar(60, 45, 30), cv::FILLED);
  cv::putText(screen, "DYNAMUS DEMO  L12-5  MSK  Hamstring", {10, 24}, cv::FONT_HERSHEY_SIMPLEX,
              0.6, cv::Scalar(230, 230, 230), 1, cv::LINE_AA);
  for (int i = 0; i < 5; ++i) {
    cv::putText(screen, std::string("Gn ") + std::to_string(40 + i * 3), {14, 90 + 30 * i},
                cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(200, 200, 120), 1, cv::LINE_AA);
  }
  for (int y = 0; y < 256; ++y) {  // grey bar
    cv::line(screen, {560, 80 + y}, {580, 80 + y}, cv::Scalar(y, y, y));
  }
  for (int mm = 0; mm <= 36; mm += 5) {  // depth scale, 10 px per mm
    const int y = kImageRect.y + mm * 10;
    cv::line(screen, {kImageRect.x + kImageRect.width + 6, y},
             {kImageRect.x + kImageRect.width + 14, y}, cv::Scalar(220, 220, 220));
  }
  const int seconds = frame / int(kFps);
  cv::putText(screen, "00:0" + std::to_string(seconds), {560, 460}, cv::FONT_HERSHEY_SIMPLEX, 0.5,
              cv::Scalar(220, 220, 220), 1, cv::LINE_AA);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_screen_capture OUT.mp4\n";
    return 2;
  }
  const std::string out = argv[1];
  cv::RNG rng(20261122);
  const cv::Mat texture = tissue_texture({kImageRect.width * 2, kImageRect.height * 2}, rng);
  cv::VideoWriter writer(out, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('a', 'v', 'c', '1'), kFps,
                         {kScreenWidthPx, kScreenHeightPx});
  if (!writer.isOpened()) {
    std::cerr << "make_screen_capture: cannot write " << out << " (FFmpeg H.264)\n";
    return 3;
  }
  cv::Mat screen(kScreenHeightPx, kScreenWidthPx, CV_8UC3);
  for (int f = 0; f < kFrames; ++f) {
    // Contraction: the tissue shortens laterally and thickens in depth, then relaxes.
    const double level = 0.5 - 0.5 * std::cos(2.0 * kPi * f / kFrames);
    const double shorten = 1.0 - 0.08 * level, thicken = 1.0 / shorten;
    const cv::Point2f centre(float(texture.cols) / 2, float(texture.rows) / 2);
    // Inverse map: image pixel (x, y) shows texture point centre + ((x, y) - image centre) / scale.
    cv::Mat warp = (cv::Mat_<double>(2, 3) << 1.0 / shorten, 0, 0, 0, 1.0 / thicken, 0);
    warp.at<double>(0, 2) = centre.x - (kImageRect.width / 2.0) / shorten;
    warp.at<double>(1, 2) = centre.y - (kImageRect.height / 2.0) / thicken;
    cv::Mat image;
    cv::warpAffine(texture, image, warp, kImageRect.size(),
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP);
    draw_chrome(screen, f);
    cv::Mat image_bgr;
    cv::cvtColor(image, image_bgr, cv::COLOR_GRAY2BGR);
    image_bgr.copyTo(screen(kImageRect));
    writer.write(screen);
  }
  std::ofstream(out + ".json") << "{\"spacing_mm\": " << kSpacingMm << "}\n";
  return 0;
}
