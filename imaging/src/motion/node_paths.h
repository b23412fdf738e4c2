// The motion grid's nodes followed from frame 0 through the whole loop: the Lagrangian view of the
// tissue that the contraction phases and the strain are computed from.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "dynamus/imaging/motion.h"

namespace dynamus::imaging {

struct NodePaths {
  int cols = 0;
  int rows = 0;
  std::vector<std::vector<cv::Point2f>> positions_px;  // [frame][node], frame 0: the grid itself
  std::vector<float> trust;  // per node: its mean quality over the pairs, in [0, 1]
};

// Needs at least one pair.
NodePaths follow_nodes(const Motion& motion);

}  // namespace dynamus::imaging
