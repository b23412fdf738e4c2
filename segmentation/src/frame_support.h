// Small pieces every step of the library uses: a view of a frame for OpenCV and a median.
// Private to the library.
#pragma once

#include <algorithm>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::segmentation::internal {

// A read-only CV_8U view of one frame (no copy); OpenCV wants a non-const pointer, the view is
// only ever read.
inline cv::Mat frame_view(const imaging::CineLoop& loop, int frame) {
  return cv::Mat(loop.height_px(), loop.width_px(), CV_8U,
                 const_cast<std::uint8_t*>(loop.frame(frame).data()));
}

// The middle value (upper middle for an even count); nullopt for none.
inline std::optional<double> median_of(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// The mean of the middle half of the values (the lowest and the highest quarter left out);
// nullopt for none.
inline std::optional<double> interquartile_mean_of(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t quarter = values.size() / 4;
  double sum = 0.0;
  for (std::size_t i = quarter; i < values.size() - quarter; ++i) sum += values[i];
  return sum / double(values.size() - 2 * quarter);
}

}  // namespace dynamus::segmentation::internal
