#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

#include "dynamus/imaging/trajectories.h"
#include "motion/motion_support.h"
#include "motion/node_paths.h"

namespace dynamus::imaging {
namespace {

// Rest and peak are where the level stays within 1 % of its extremes: a looser band would reach
// into the slow start and end of the ramps.
constexpr double kRestLevel = 0.01;
constexpr double kPeakLevel = 0.99;

// The image's median translation holds the probe's motion and whatever translation the contraction
// itself brings (the muscle shortening toward its origin moves most of the image one way). The
// latter follows the contraction level: regressed on it and removed, the rest is the probe's.
std::vector<std::array<double, 2>> probe_shift(const std::vector<cv::Point2f>& median_shift_px,
                                               const std::vector<double>& level) {
  double level_shift_x = 0, level_shift_y = 0, level_squares = 0;
  for (std::size_t f = 0; f < level.size(); ++f) {
    const double l = level[f] - level[0];
    level_shift_x += l * median_shift_px[f].x;
    level_shift_y += l * median_shift_px[f].y;
    level_squares += l * l;
  }
  const double gain_x = level_squares > 0 ? level_shift_x / level_squares : 0.0;
  const double gain_y = level_squares > 0 ? level_shift_y / level_squares : 0.0;
  std::vector<std::array<double, 2>> shift;
  for (std::size_t f = 0; f < level.size(); ++f) {
    const double l = level[f] - level[0];
    shift.push_back({median_shift_px[f].x - gain_x * l, median_shift_px[f].y - gain_y * l});
  }
  return shift;
}

}  // namespace

Result<ContractionPhases> contraction_phases(const Motion& motion) {
  if (motion.pairs.empty()) {
    // A still image: its one frame is the rest and the peak.
    ContractionPhases still;
    still.level = {0.0};
    still.probe_shift_px = {{0.0, 0.0}};
    return still;
  }
  const int frames = int(motion.pairs.size()) + 1;
  const NodePaths paths = follow_nodes(motion);
  const std::vector<cv::Point2f>& start = paths.positions_px.front();
  std::vector<cv::Point2f> median_shift_px(std::size_t(frames), cv::Point2f(0, 0));
  cv::Mat displacement(frames, int(2 * start.size()), CV_64F, cv::Scalar(0));
  for (int f = 1; f < frames; ++f) {
    const std::vector<cv::Point2f>& position = paths.positions_px[std::size_t(f)];
    // The whole image's translation is the median displacement: removed.
    std::vector<float> xs, ys;
    for (std::size_t i = 0; i < position.size(); ++i) {
      xs.push_back(position[i].x - start[i].x);
      ys.push_back(position[i].y - start[i].y);
    }
    const float mx = median(xs), my = median(ys);
    median_shift_px[std::size_t(f)] = {mx, my};
    for (std::size_t i = 0; i < position.size(); ++i) {
      displacement.at<double>(f, int(2 * i)) = xs[i] - mx;
      displacement.at<double>(f, int(2 * i + 1)) = ys[i] - my;
    }
  }
  for (std::size_t i = 0; i < paths.trust.size(); ++i) {
    if (paths.trust[i] < 0.5f) {  // fluid, shadow, edges: their motion is not the tissue's
      displacement.col(int(2 * i)).setTo(0);
      displacement.col(int(2 * i + 1)).setTo(0);
    }
  }
  // The dominant deformation mode over the loop, and each frame's amount of it.
  cv::Mat w, u, vt;
  cv::SVD::compute(displacement, w, u, vt, cv::SVD::MODIFY_A);
  std::vector<double> score(static_cast<std::size_t>(frames));
  for (int f = 0; f < frames; ++f) score[std::size_t(f)] = u.at<double>(f, 0) * w.at<double>(0);
  const auto [low, high] = std::minmax_element(score.begin(), score.end());
  if (std::abs(*low) > std::abs(*high)) {
    for (double& s : score) s = -s;
  }
  const auto [lo, hi] = std::minmax_element(score.begin(), score.end());
  const double range = *hi - *lo;
  ContractionPhases phases;
  for (double s : score) phases.level.push_back(range > 0 ? (s - *lo) / range : 0.0);

  auto middle_of_first_run = [&](auto predicate) {
    int begin = -1;
    for (int f = 0; f < frames; ++f) {
      if (predicate(phases.level[std::size_t(f)])) {
        if (begin < 0) begin = f;
      } else if (begin >= 0) {
        return (begin + f - 1) / 2;
      }
    }
    return begin < 0 ? 0 : (begin + frames - 1) / 2;
  };
  phases.rest_frame = middle_of_first_run([](double level) { return level < kRestLevel; });
  phases.peak_frame = middle_of_first_run([](double level) { return level > kPeakLevel; });
  for (int f = 1; f < frames; ++f) {
    if (phases.level[std::size_t(f - 1)] < 0.5 && phases.level[std::size_t(f)] >= 0.5) {
      phases.cycle_starts.push_back(f);
    }
  }
  phases.probe_shift_px = probe_shift(median_shift_px, phases.level);
  return phases;
}

}  // namespace dynamus::imaging
