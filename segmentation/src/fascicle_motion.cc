// How the muscle between the aponeuroses deforms from the first frame: an affine fit to tracked
// material points, so that fascicle directions measured once can be carried through the loop.
#include <algorithm>
#include <cmath>

#include "muscle_internal.h"

namespace dynamus::segmentation::muscle_detail {
namespace {

constexpr double kPointStepMm = 1.5;
constexpr double kMarginMm = 1.0;
constexpr std::size_t kMinPoints = 6;

}  // namespace

std::vector<cv::Matx22d> muscle_deformation(const Grid& grid, const ApoProfiles& edges0,
                                            const std::vector<bool>& use,
                                            const imaging::Motion& motion, int frames) {
  std::vector<cv::Matx22d> deformation(std::size_t(std::max(frames, 0)), cv::Matx22d::eye());
  if (frames < 2 || motion.pairs.size() != std::size_t(frames - 1)) return deformation;
  std::vector<cv::Point2d> origin;
  const imaging::FlowField& first = motion.pairs.front();
  const double hull_x0 = first.node_x_px(0), hull_x1 = first.node_x_px(first.cols - 1);
  const double hull_y0 = first.node_y_px(0), hull_y1 = first.node_y_px(first.rows - 1);
  const int every = std::max(1, int(std::lround(kPointStepMm / kSampleStepMm)));
  for (std::size_t i = 0; i < use.size(); i += std::size_t(every)) {
    if (!use[i]) continue;
    const double top = edges0.superficial_row[i] + grid.mm_to_rows(kMarginMm);
    const double deep = edges0.deep_row[i] - grid.mm_to_rows(kMarginMm);
    for (double r = top; r <= deep; r += grid.mm_to_rows(kPointStepMm)) {
      // Inside the motion's node grid: outside it the field is only clamped, not measured.
      if (grid.col_px[i] < hull_x0 || grid.col_px[i] > hull_x1 || r < hull_y0 || r > hull_y1) {
        continue;
      }
      origin.push_back({grid.col_px[i], r});
    }
  }
  if (origin.size() < kMinPoints) return deformation;
  cv::Point2d centre0(0, 0);
  for (const cv::Point2d& p : origin) centre0 += p;
  centre0 *= 1.0 / double(origin.size());

  std::vector<cv::Point2d> now = origin;
  for (int f = 1; f < frames; ++f) {
    const imaging::FlowField& flow = motion.pairs[std::size_t(f - 1)];
    cv::Point2d centre(0, 0);
    for (cv::Point2d& p : now) {
      float dx = 0.0f, dy = 0.0f;
      flow.displacement_at(float(p.x), float(p.y), dx, dy);
      p += cv::Point2d(dx, dy);
      centre += p;
    }
    centre *= 1.0 / double(now.size());
    // Least squares: (now - centre) = A (origin - centre0), in mm so that A is in physical axes.
    cv::Matx22d xx = cv::Matx22d::zeros(), yx = cv::Matx22d::zeros();
    for (std::size_t k = 0; k < now.size(); ++k) {
      const cv::Vec2d a((origin[k].x - centre0.x) * grid.spacing_x_mm,
                        (origin[k].y - centre0.y) * grid.spacing_y_mm);
      const cv::Vec2d b((now[k].x - centre.x) * grid.spacing_x_mm,
                        (now[k].y - centre.y) * grid.spacing_y_mm);
      xx += a * a.t();
      yx += b * a.t();
    }
    if (std::abs(cv::determinant(xx)) < 1e-12) continue;
    deformation[std::size_t(f)] = yx * xx.inv();
  }
  return deformation;
}

}  // namespace dynamus::segmentation::muscle_detail
