// measure_thickness: lower minus upper surface where both are seen, per frame, and a focal
// thickening against the intact tendon at rest.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "dynamus/segmentation/tendon.h"
#include "tendon_image.h"

namespace dynamus::segmentation {
namespace {

constexpr double kSmoothingMm = 2.0;      // thickness profile: above the surfaces' local noise
constexpr double kIntactShare = 1.1;      // of the median: samples counted as intact tendon
constexpr double kThickenedShare = 1.15;  // of the intact median: the thickened segment
constexpr double kFocalRatio = 1.25;      // a focal thickening, not measurement noise
constexpr double kMaxFocalShare = 0.6;    // of the tendon's length: beyond that it is diffuse

std::vector<double> frame_thickness(const TendonTrace& t, int f) {
  std::vector<double> out(t.x_mm.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < t.x_mm.size(); ++i) {
    const auto& up = t.upper_mm[std::size_t(f)][i];
    const auto& low = t.lower_mm[std::size_t(f)][i];
    if (up && low) out[i] = *low - *up;
  }
  return out;
}

// Mean grey inside the band (between the surfaces, clear of the paratenon) at sample i.
double band_grey(const cv::Mat& frame, const TendonTrace& t, int f, std::size_t i, double sx,
                 double sy) {
  const double up = *t.upper_mm[std::size_t(f)][i], low = *t.lower_mm[std::size_t(f)][i];
  const double margin = 0.2 * (low - up);
  const int col = std::clamp(int(std::lround(t.x_mm[i] / sx)), 0, frame.cols - 1);
  const int r0 = std::clamp(int(std::lround((up + margin) / sy)), 0, frame.rows - 1);
  const int r1 = std::clamp(int(std::lround((low - margin) / sy)), r0, frame.rows - 1);
  const int c0 = std::max(0, col - 2), c1 = std::min(frame.cols - 1, col + 2);
  return cv::mean(frame(cv::Range(r0, r1 + 1), cv::Range(c0, c1 + 1)))[0];
}

Thickening find_thickening(const imaging::CineLoop& loop, const TendonTrace& t, int rest) {
  Thickening out;
  const std::vector<double> raw = frame_thickness(t, rest);
  const int half = int(std::lround(0.5 * kSmoothingMm / 0.5));
  std::vector<double> smooth(raw.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<double> seen;
  for (int i = 0; i < int(raw.size()); ++i) {
    if (std::isnan(raw[std::size_t(i)])) continue;
    double sum = 0.0;
    int count = 0;
    for (int k = std::max(0, i - half); k <= std::min(int(raw.size()) - 1, i + half); ++k) {
      if (!std::isnan(raw[std::size_t(k)])) sum += raw[std::size_t(k)], ++count;
    }
    smooth[std::size_t(i)] = sum / count;
    seen.push_back(smooth[std::size_t(i)]);
  }
  const auto all = internal::median_of(seen);
  if (!all) return out;
  std::vector<double> intact;
  for (double v : seen) {
    if (v <= kIntactShare * *all) intact.push_back(v);
  }
  const double intact_mm = internal::median_of(intact).value_or(*all);
  std::size_t peak = 0;
  for (std::size_t i = 0; i < smooth.size(); ++i) {
    if (!std::isnan(smooth[i]) && (std::isnan(smooth[peak]) || smooth[i] > smooth[peak])) peak = i;
  }
  out.max_mm = smooth[peak];
  out.ratio = out.max_mm / intact_mm;
  out.x_mm = t.x_mm[peak];
  const cv::Mat frame = internal::frame_view(loop, rest);
  const auto& spacing = *loop.calibration().spacing_mm;
  double thick_grey = 0.0, intact_grey = 0.0;
  int thick_count = 0, intact_count = 0, thickened = 0;
  for (std::size_t i = 0; i < smooth.size(); ++i) {
    if (std::isnan(smooth[i])) continue;
    const double g = band_grey(frame, t, rest, i, spacing[0], spacing[1]);
    if (smooth[i] >= kThickenedShare * intact_mm) {
      thick_grey += g, ++thick_count, ++thickened;
    } else if (smooth[i] <= kIntactShare * intact_mm) {
      intact_grey += g, ++intact_count;
    }
  }
  if (thick_count > 0 && intact_count > 0 && intact_grey > 0.0) {
    out.echogenicity_ratio = (thick_grey / thick_count) / (intact_grey / intact_count);
  }
  out.present =
      out.ratio >= kFocalRatio && double(thickened) <= kMaxFocalShare * double(seen.size());
  return out;
}

}  // namespace

TendonThickness measure_thickness(const imaging::CineLoop& loop, const TendonTrace& tendon,
                                  const imaging::ContractionPhases& phases) {
  TendonThickness out;
  const int frames = int(tendon.upper_mm.size());
  out.per_frame_median_mm.assign(std::size_t(frames), std::nullopt);
  out.per_frame_max_mm.assign(std::size_t(frames), std::nullopt);
  if (!tendon.found || frames == 0 || !loop.calibration().spacing_mm) return out;
  std::vector<double> medians;
  for (int f = 0; f < frames; ++f) {
    std::vector<double> values;
    for (double v : frame_thickness(tendon, f)) {
      if (!std::isnan(v)) values.push_back(v);
    }
    if (values.empty()) continue;
    out.per_frame_median_mm[std::size_t(f)] = internal::median_of(values);
    out.per_frame_max_mm[std::size_t(f)] = *std::max_element(values.begin(), values.end());
    medians.push_back(*out.per_frame_median_mm[std::size_t(f)]);
    out.max_mm = std::max(out.max_mm.value_or(0.0), *out.per_frame_max_mm[std::size_t(f)]);
  }
  out.median_mm = internal::median_of(medians);
  const int rest = std::clamp(phases.rest_frame, 0, frames - 1);
  const int peak = std::clamp(phases.peak_frame, 0, frames - 1);
  out.rest_mm = out.per_frame_median_mm[std::size_t(rest)];
  out.peak_mm = out.per_frame_median_mm[std::size_t(peak)];
  try {
    out.thickening = find_thickening(loop, tendon, rest);
  } catch (const cv::Exception&) {
    out.thickening = {};  // no image measure: no thickening claimed
  }
  return out;
}

}  // namespace dynamus::segmentation
