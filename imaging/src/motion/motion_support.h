// Small pieces the trackers and the trajectories share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <opencv2/core.hpp>
#include <span>
#include <vector>

namespace dynamus::imaging {

// A grey frame as a cv::Mat header (no copy); OpenCV only reads through it.
inline cv::Mat as_mat(std::span<const std::uint8_t> frame, int width_px, int height_px) {
  return cv::Mat(height_px, width_px, CV_8UC1, const_cast<std::uint8_t*>(frame.data()));
}

// The middle value (upper middle for an even count); 0 for none.
inline float median(std::vector<float> values) {
  if (values.empty()) return 0.0f;
  auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace dynamus::imaging
