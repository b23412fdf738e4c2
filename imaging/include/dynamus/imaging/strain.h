// Tissue strain along an axis (the fibre axis, say) through a loop, on the motion's node grid.
#pragma once

#include <array>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/motion.h"

namespace dynamus::imaging {

// Per frame, per node (the grid of the motion: node (col, row) at step_px * (col + 1),
// step_px * (row + 1) in frame 0): the stretch of the tissue element that lies along the axis at
// that node in frame 0, relative to its length in the reference frame, minus one. Negative is
// shortening; -0.05 is 5 % shorter. NaN at nodes the motion does not trust (anechoic fluid,
// shadow, decorrelation) and on the grid's rim.
struct StrainField {
  int step_px = 0;
  int cols = 0;
  int rows = 0;
  double axis_deg = 0.0;  // from lateral (+x) toward depth (+y)
  int reference_frame = 0;
  std::vector<std::vector<float>> per_frame;  // [frame][row * cols + col]

  float at(int frame, int col, int row) const {
    return per_frame[std::size_t(frame)][std::size_t(row) * std::size_t(cols) + std::size_t(col)];
  }
};

// Lagrangian strain from the motion (mm, so anisotropic pixels are handled). kInvalidArgument for
// a motion without pairs or a reference frame outside the loop.
Result<StrainField> strain_along(const Motion& motion, std::array<double, 2> spacing_mm,
                                 double axis_deg, int reference_frame);

}  // namespace dynamus::imaging
