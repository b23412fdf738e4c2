#include <algorithm>
#include <cmath>
#include <limits>

#include "dynamus/imaging/motion.h"

namespace dynamus::imaging {

void FlowField::displacement_at(float x_px, float y_px, float& dx_px_out, float& dy_px_out) const {
  // A NaN position would become an arbitrary node index below (found by fuzzing the analysis).
  if (!std::isfinite(x_px) || !std::isfinite(y_px)) {
    dx_px_out = dy_px_out = std::numeric_limits<float>::quiet_NaN();
    return;
  }
  // Node (c, r) sits at step * (c + 1): continuous node coordinates, clamped to the grid.
  const float gx = std::clamp(x_px / float(step_px) - 1.0f, 0.0f, float(cols - 1));
  const float gy = std::clamp(y_px / float(step_px) - 1.0f, 0.0f, float(rows - 1));
  const int c0 = std::min(int(gx), cols - 2 < 0 ? 0 : cols - 2);
  const int r0 = std::min(int(gy), rows - 2 < 0 ? 0 : rows - 2);
  const int c1 = std::min(c0 + 1, cols - 1), r1 = std::min(r0 + 1, rows - 1);
  const float fx = gx - float(c0), fy = gy - float(r0);
  auto lerp = [&](const std::vector<float>& v) {
    const float top = v[index(c0, r0)] * (1 - fx) + v[index(c1, r0)] * fx;
    const float bottom = v[index(c0, r1)] * (1 - fx) + v[index(c1, r1)] * fx;
    return top * (1 - fy) + bottom * fy;
  };
  dx_px_out = lerp(dx_px);
  dy_px_out = lerp(dy_px);
}

}  // namespace dynamus::imaging
