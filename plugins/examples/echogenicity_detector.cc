// Example detector plugin: a lesion is a dark (hypoechoic) region inside bright tissue, such as
// fluid in a tendon tear. Each frame is compared with its local tissue brightness; regions much
// darker than their surroundings, of at least kMinAreaMm2, become candidates scored by their
// contrast against a ring of tissue around them.
#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "dynamus/plugin_sdk.h"

namespace {

constexpr double kDetailSigmaMm = 0.3;  // speckle smoothing
constexpr double kTissueSigmaMm = 3.0;  // the surrounding tissue's brightness
constexpr double kDarkShare = 0.5;      // darker than this share of the tissue: a lesion
constexpr double kMinAreaMm2 = 2.0;
constexpr double kRingMm = 1.0;              // the tissue ring the contrast is measured against
constexpr double kOutlineToleranceMm = 0.2;  // polygon simplification
constexpr int kMaxPerFrame = 3;

double median_of(const cv::Mat& image) {
  std::vector<std::uint8_t> values(image.begin<std::uint8_t>(), image.end<std::uint8_t>());
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

class EchogenicityDetector final : public dynamus::sdk::Detector {
 public:
  void detect(const dynamus::sdk::Cine& cine, dynamus::sdk::CandidateSink& sink) override {
    const double sx = cine.spacing_x_mm(), sy = cine.spacing_y_mm();
    const double pixel_mm2 = sx * sy;
    for (int f = 0; f < cine.frame_count(); ++f) {
      const cv::Mat frame(cine.height_px(), cine.width_px(), CV_8UC1,
                          const_cast<std::uint8_t*>(cine.frame(f).data()));
      cv::Mat detail, tissue;
      cv::GaussianBlur(frame, detail, cv::Size(), kDetailSigmaMm / sx, kDetailSigmaMm / sy);
      cv::GaussianBlur(frame, tissue, cv::Size(), kTissueSigmaMm / sx, kTissueSigmaMm / sy);
      cv::Mat threshold, dark;
      tissue.convertTo(threshold, CV_8U, kDarkShare);
      cv::compare(detail, threshold, dark, cv::CMP_LT);
      std::vector<std::vector<cv::Point>> contours;
      cv::findContours(dark, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
      const double frame_median = median_of(frame);
      std::vector<dynamus::sdk::Candidate> candidates;
      for (int c = 0; c < int(contours.size()); ++c) {
        const std::vector<cv::Point>& contour = contours[std::size_t(c)];
        if (cv::contourArea(contour) * pixel_mm2 < kMinAreaMm2) continue;
        cv::Mat inside = cv::Mat::zeros(frame.size(), CV_8U), ring;
        cv::drawContours(inside, contours, c, 255, cv::FILLED);
        const int ring_px = std::max(1, int(kRingMm / std::min(sx, sy)));
        cv::dilate(inside, ring,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                             cv::Size(2 * ring_px + 1, 2 * ring_px + 1)));
        ring -= inside;
        const double lesion = cv::mean(detail, inside)[0], around = cv::mean(detail, ring)[0];
        // Inside bright tissue: the ring around brighter than the frame's median (a dark area of
        // the background or of the muscle between its fascicles is no lesion).
        if (around <= frame_median) continue;
        std::vector<cv::Point> outline;
        cv::approxPolyDP(contour, outline, kOutlineToleranceMm / std::min(sx, sy), true);
        if (outline.size() < 3) continue;
        dynamus::sdk::Candidate candidate{
            f, {}, std::clamp(1.0 - lesion / around, 0.0, 1.0), "lesion"};
        for (const cv::Point& p : outline) candidate.polygon_mm.push_back({p.x * sx, p.y * sy});
        candidates.push_back(std::move(candidate));
      }
      std::sort(candidates.begin(), candidates.end(),
                [](const auto& a, const auto& b) { return a.score > b.score; });
      if (candidates.size() > kMaxPerFrame) candidates.resize(kMaxPerFrame);
      for (const dynamus::sdk::Candidate& candidate : candidates) sink.emit(candidate);
    }
  }
};

}  // namespace

DYNAMUS_EXPORT_DETECTOR(EchogenicityDetector, "example-echogenicity", "1.0.0")
