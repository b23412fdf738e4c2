#include "motion/node_paths.h"

namespace dynamus::imaging {

NodePaths follow_nodes(const Motion& motion) {
  const FlowField& first = motion.pairs.front();
  NodePaths paths{first.cols, first.rows, {}, std::vector<float>(first.dx_px.size(), 0.0f)};
  std::vector<cv::Point2f> position;
  for (int r = 0; r < first.rows; ++r) {
    for (int c = 0; c < first.cols; ++c) {
      position.emplace_back(first.node_x_px(c), first.node_y_px(r));
    }
  }
  paths.positions_px.push_back(position);
  const float pairs = float(motion.pairs.size());
  for (const FlowField& field : motion.pairs) {
    for (std::size_t i = 0; i < position.size(); ++i) {
      float dx = 0, dy = 0;
      field.displacement_at(position[i].x, position[i].y, dx, dy);
      position[i] += cv::Point2f(dx, dy);
      paths.trust[i] += field.quality[i] / pairs;
    }
    paths.positions_px.push_back(position);
  }
  return paths;
}

}  // namespace dynamus::imaging
