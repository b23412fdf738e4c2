// Test-only drawing of a muscle trace over a frame, to look at where the lines are.
#pragma once

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/muscle.h"

namespace dynamus::segmentation {

inline cv::Mat draw_muscle(const imaging::CineLoop& loop, const MuscleTrace& trace, int f) {
  const cv::Mat grey(loop.height_px(), loop.width_px(), CV_8UC1,
                     const_cast<std::uint8_t*>(loop.frame(f).data()));
  cv::Mat out;
  cv::cvtColor(grey, out, cv::COLOR_GRAY2BGR);
  if (!trace.found || std::size_t(f) >= trace.superficial_mm.size()) return out;
  const auto spacing = *loop.calibration().spacing_mm;
  auto draw = [&](const DepthProfileMm& profile, const cv::Scalar& colour) {
    for (std::size_t i = 1; i < profile.size(); ++i) {
      if (!profile[i - 1] || !profile[i]) continue;
      cv::line(out,
               cv::Point(int(std::lround(trace.x_mm[i - 1] / spacing[0])),
                         int(std::lround(*profile[i - 1] / spacing[1]))),
               cv::Point(int(std::lround(trace.x_mm[i] / spacing[0])),
                         int(std::lround(*profile[i] / spacing[1]))),
               colour, 1, cv::LINE_AA);
    }
  };
  draw(trace.superficial_mm[std::size_t(f)], cv::Scalar(0, 255, 255));
  draw(trace.deep_mm[std::size_t(f)], cv::Scalar(0, 128, 255));
  if (trace.pennation_deg[std::size_t(f)]) {
    // The fascicle direction from the middle of the muscle, rising at the pennation angle.
    const std::size_t mid = trace.x_mm.size() / 4;
    const auto& top = trace.superficial_mm[std::size_t(f)][mid];
    const auto& deep = trace.deep_mm[std::size_t(f)][mid];
    if (top && deep) {
      const double a = *trace.pennation_deg[std::size_t(f)] * 3.14159265358979 / 180.0;
      const double cx = trace.x_mm[mid] / spacing[0], cy = 0.5 * (*top + *deep) / spacing[1];
      const double len = 0.4 * (*deep - *top) / spacing[1] / std::sin(std::max(a, 0.1));
      cv::line(out, cv::Point(int(cx - len * std::cos(a)), int(cy + len * std::sin(a))),
               cv::Point(int(cx + len * std::cos(a)), int(cy - len * std::sin(a))),
               cv::Scalar(255, 0, 255), 2, cv::LINE_AA);
    }
  }
  return out;
}

}  // namespace dynamus::segmentation
