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

}  // namespace dynamus::segmentation::internal
