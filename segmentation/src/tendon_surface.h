// Tracing one tendon surface as a depth profile: an edge-contrast feature (bright paratenon
// against the darker muscle beside it) and a dynamic-programming path through it.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace dynamus::segmentation::internal {

enum class Side { kUpper, kLower };

struct SurfaceSearch {
  Side side = Side::kUpper;
  std::vector<int> columns_px;  // image column of each lateral sample
  std::vector<int> low_row_px;  // search window per sample, inclusive; empty when low > high
  std::vector<int> high_row_px;
  int near_px = 2;  // the muscle reference band outside the surface: near..far px away
  int far_px = 6;
  int max_step_px = 2;          // between neighbouring samples
  float penalty_per_px = 2.0f;  // grey levels per px of depth change between samples
};

struct SurfacePath {
  std::vector<double> row_px;   // sub-pixel row per sample; NaN where the window was empty
  std::vector<float> contrast;  // the feature at the chosen row (grey levels)
  // Mean grey of the band just inside the chosen row minus that of the band just outside: a
  // tendon surface is a step from bright tendon to darker muscle, a perimysium line the path may
  // slide onto has muscle on both sides, a stump's fluid is darker than the muscle.
  std::vector<float> step;
};

// `frame_u8` is the whole frame; the feature is computed on a laterally smoothed copy of the rows
// the windows need.
SurfacePath trace_surface(const cv::Mat& frame_u8, const SurfaceSearch& search, double sigma_x_px,
                          double sigma_y_px);

}  // namespace dynamus::segmentation::internal
