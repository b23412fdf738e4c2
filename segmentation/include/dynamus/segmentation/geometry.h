// Points in the loop's coordinates (DESIGN.md): millimetres from the centre of the top-left pixel
// of the calibrated region, x lateral to the right, y depth downward.
#pragma once

#include <optional>
#include <vector>

namespace dynamus::segmentation {

struct PointMm {
  double x_mm = 0.0;
  double y_mm = 0.0;
};

// A surface's depth at lateral sample positions; nullopt where it is not seen.
using DepthProfileMm = std::vector<std::optional<double>>;

}  // namespace dynamus::segmentation
