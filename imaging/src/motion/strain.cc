#include "dynamus/imaging/strain.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "motion/node_paths.h"

namespace dynamus::imaging {
namespace {

// Nodes whose mean quality over the loop is below this have no trustworthy motion of their own.
constexpr float kTrustedNode = 0.5f;

// Length (mm) of the material element of unit length along `axis` at node (c, r) in frame 0, as
// deformed into `frame`: |F a| with F the deformation gradient by central differences.
double stretched_length(const NodePaths& paths, std::size_t frame, int c, int r, double step_x_mm,
                        double step_y_mm, std::array<double, 2> spacing_mm, double ax, double ay) {
  const auto& p = paths.positions_px[frame];
  auto at = [&](int i, int j) {
    return p[std::size_t(j) * std::size_t(paths.cols) + std::size_t(i)];
  };
  const cv::Point2f dx = at(c + 1, r) - at(c - 1, r), dy = at(c, r + 1) - at(c, r - 1);
  // Columns of F: d(position_mm) / dX_mm and d(position_mm) / dY_mm.
  const double fxx = dx.x * spacing_mm[0] / (2 * step_x_mm),
               fyx = dx.y * spacing_mm[1] / (2 * step_x_mm);
  const double fxy = dy.x * spacing_mm[0] / (2 * step_y_mm),
               fyy = dy.y * spacing_mm[1] / (2 * step_y_mm);
  return std::hypot(fxx * ax + fxy * ay, fyx * ax + fyy * ay);
}

}  // namespace

Result<StrainField> strain_along(const Motion& motion, std::array<double, 2> spacing_mm,
                                 double axis_deg, int reference_frame) {
  if (motion.pairs.empty()) return Status(StatusCode::kInvalidArgument, "strain needs two frames");
  const int frames = int(motion.pairs.size()) + 1;
  if (reference_frame < 0 || reference_frame >= frames) {
    return Status(StatusCode::kInvalidArgument, "the strain's reference frame is outside the loop");
  }
  if (!(spacing_mm[0] > 0) || !(spacing_mm[1] > 0)) {
    return Status(StatusCode::kInvalidArgument, "strain needs a positive pixel spacing");
  }
  const NodePaths paths = follow_nodes(motion);
  const double step_x_mm = motion.step_px * spacing_mm[0],
               step_y_mm = motion.step_px * spacing_mm[1];
  // The axis in mm, as a unit vector.
  const double axis_rad = axis_deg * std::numbers::pi / 180.0;
  const double ax = std::cos(axis_rad), ay = std::sin(axis_rad);

  StrainField field{motion.step_px, paths.cols, paths.rows, axis_deg, reference_frame, {}};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto trusted = [&](int c, int r) {
    return paths.trust[std::size_t(r) * std::size_t(paths.cols) + std::size_t(c)] >= kTrustedNode;
  };
  for (int f = 0; f < frames; ++f) {
    std::vector<float> values(paths.trust.size(), nan);
    for (int r = 1; r + 1 < paths.rows; ++r) {
      for (int c = 1; c + 1 < paths.cols; ++c) {
        if (!trusted(c, r) || !trusted(c - 1, r) || !trusted(c + 1, r) || !trusted(c, r - 1) ||
            !trusted(c, r + 1)) {
          continue;
        }
        const double length =
            stretched_length(paths, std::size_t(f), c, r, step_x_mm, step_y_mm, spacing_mm, ax, ay);
        const double reference = stretched_length(paths, std::size_t(reference_frame), c, r,
                                                  step_x_mm, step_y_mm, spacing_mm, ax, ay);
        values[std::size_t(r) * std::size_t(paths.cols) + std::size_t(c)] =
            float(length / reference - 1.0);
      }
    }
    field.per_frame.push_back(std::move(values));
  }
  return field;
}

}  // namespace dynamus::imaging
