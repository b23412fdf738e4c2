#include "dynamus/imaging/trajectories.h"

#include <algorithm>
#include <cmath>
#include <opencv2/video/tracking.hpp>

#include "motion/motion_support.h"

namespace dynamus::imaging {
namespace {

constexpr int kWindowPx = 21;
constexpr int kPyramidLevels = 2;
// A direct match counts when matching back lands within this of the anchor position.
constexpr float kAnchorConsistencyPx = 0.3f;
// A direct match may correct the motion's prediction by at most this much: the per-pair fields
// are accurate to a few hundredths of a pixel, so a larger jump is a false match (fibrillar
// tendon texture lets a window slide along the fibres and still match back consistently).
constexpr float kMaxCorrectionPx = 1.5f;
// Above this share of points failing against an anchor, a newer anchor is taken.
constexpr double kAnchorFailureShare = 0.5;
// Rest and peak are where the level stays within 1 % of its extremes: a looser band would reach
// into the slow start and end of the ramps.
constexpr double kRestLevel = 0.01;
constexpr double kPeakLevel = 0.99;

cv::Mat frame_mat(const CineLoop& loop, int frame) {
  return as_mat(loop.frame(frame), loop.width_px(), loop.height_px());
}

struct Match {
  std::vector<cv::Point2f> positions;
  std::vector<bool> consistent;
  std::vector<float> error_px;
  double failure_share = 1.0;
};

// Matches the anchor's points into `frame`, starting from the predicted positions, and checks
// each by matching back.
Match match_against_anchor(const CineLoop& loop, int anchor,
                           const std::vector<cv::Point2f>& at_anchor, int frame,
                           const std::vector<cv::Point2f>& predicted) {
  const cv::TermCriteria criteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.005);
  Match match;
  match.positions = predicted;
  std::vector<cv::Point2f> back = at_anchor;
  std::vector<std::uint8_t> found, found_back;
  std::vector<float> error;
  cv::calcOpticalFlowPyrLK(frame_mat(loop, anchor), frame_mat(loop, frame), at_anchor,
                           match.positions, found, error, cv::Size(kWindowPx, kWindowPx),
                           kPyramidLevels, criteria, cv::OPTFLOW_USE_INITIAL_FLOW);
  cv::calcOpticalFlowPyrLK(frame_mat(loop, frame), frame_mat(loop, anchor), match.positions, back,
                           found_back, error, cv::Size(kWindowPx, kWindowPx), kPyramidLevels,
                           criteria, cv::OPTFLOW_USE_INITIAL_FLOW);
  int failures = 0;
  for (std::size_t i = 0; i < at_anchor.size(); ++i) {
    const float fb = float(cv::norm(back[i] - at_anchor[i]));
    const bool ok = found[i] != 0 && found_back[i] != 0 && fb < kAnchorConsistencyPx &&
                    cv::norm(match.positions[i] - predicted[i]) < kMaxCorrectionPx;
    match.consistent.push_back(ok);
    match.error_px.push_back(fb);
    failures += ok ? 0 : 1;
  }
  match.failure_share = at_anchor.empty() ? 0.0 : double(failures) / double(at_anchor.size());
  return match;
}

}  // namespace

Result<Trajectories> trajectories(const CineLoop& loop, const Motion& motion,
                                  std::span<const std::array<double, 2>> start_mm) {
  if (!loop.calibration().spacing_mm) {
    return Status(StatusCode::kInvalidArgument,
                  "points in mm need a calibrated loop (give --spacing)");
  }
  if (int(motion.pairs.size()) + 1 != loop.frame_count()) {
    return Status(StatusCode::kInvalidArgument, "the motion does not belong to this loop");
  }
  const auto [sx, sy] = *loop.calibration().spacing_mm;
  std::vector<cv::Point2f> current;
  for (const auto& p : start_mm) current.emplace_back(float(p[0] / sx), float(p[1] / sy));
  Trajectories result(start_mm.size());
  auto record = [&](const std::vector<cv::Point2f>& positions, const std::vector<double>& quality) {
    for (std::size_t i = 0; i < positions.size(); ++i) {
      result[i].push_back({positions[i].x * sx, positions[i].y * sy, quality[i]});
    }
  };
  record(current, std::vector<double>(current.size(), 1.0));

  // Anchors: frame 0 always; the latest frame that matched, once frame 0 no longer does.
  const std::vector<cv::Point2f> at_start = current;
  int recent_anchor = 0;
  std::vector<cv::Point2f> at_recent = current;
  for (int f = 1; f < loop.frame_count(); ++f) {
    std::vector<cv::Point2f> predicted = current;
    for (cv::Point2f& p : predicted) {
      float dx = 0, dy = 0;
      motion.pairs[std::size_t(f - 1)].displacement_at(p.x, p.y, dx, dy);
      p += cv::Point2f(dx, dy);
    }
    Match match = match_against_anchor(loop, 0, at_start, f, predicted);
    if (match.failure_share > kAnchorFailureShare && recent_anchor != 0) {
      match = match_against_anchor(loop, recent_anchor, at_recent, f, predicted);
    }
    std::vector<double> quality(predicted.size());
    for (std::size_t i = 0; i < predicted.size(); ++i) {
      current[i] = match.consistent[i] ? match.positions[i] : predicted[i];
      quality[i] = match.consistent[i]
                       ? std::exp(-std::pow(match.error_px[i] / kAnchorConsistencyPx, 2))
                       : 0.25;
    }
    if (match.failure_share <= kAnchorFailureShare) {
      recent_anchor = f;
      at_recent = current;
    }
    record(current, quality);
  }
  return result;
}

Result<ContractionPhases> contraction_phases(const Motion& motion) {
  if (motion.pairs.empty()) {
    return Status(StatusCode::kInvalidArgument, "contraction phases need at least two frames");
  }
  const FlowField& first = motion.pairs.front();
  const int frames = int(motion.pairs.size()) + 1;
  // Nodes followed from frame 0 through the loop; those trusted in most pairs take part.
  std::vector<cv::Point2f> start;
  for (int r = 0; r < first.rows; ++r) {
    for (int c = 0; c < first.cols; ++c) start.emplace_back(first.node_x_px(c), first.node_y_px(r));
  }
  std::vector<double> trust(start.size(), 0.0);
  std::vector<cv::Point2f> position = start;
  cv::Mat displacement(frames, int(2 * start.size()), CV_64F, cv::Scalar(0));
  for (int f = 1; f < frames; ++f) {
    const FlowField& field = motion.pairs[std::size_t(f - 1)];
    for (std::size_t i = 0; i < position.size(); ++i) {
      float dx = 0, dy = 0;
      field.displacement_at(position[i].x, position[i].y, dx, dy);
      position[i] += cv::Point2f(dx, dy);
      trust[i] += field.quality[i] / double(frames - 1);
    }
    // The probe's rigid translation is the median displacement: removed.
    std::vector<float> xs, ys;
    for (std::size_t i = 0; i < position.size(); ++i) {
      xs.push_back(position[i].x - start[i].x);
      ys.push_back(position[i].y - start[i].y);
    }
    const float mx = median(xs), my = median(ys);
    for (std::size_t i = 0; i < position.size(); ++i) {
      displacement.at<double>(f, int(2 * i)) = xs[i] - mx;
      displacement.at<double>(f, int(2 * i + 1)) = ys[i] - my;
    }
  }
  for (std::size_t i = 0; i < trust.size(); ++i) {
    if (trust[i] < 0.5) {  // fluid, shadow, edges: their motion is not the tissue's
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
  return phases;
}

}  // namespace dynamus::imaging
