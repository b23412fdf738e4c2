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
  // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture those.
  const double sx = (*loop.calibration().spacing_mm)[0];
  const double sy = (*loop.calibration().spacing_mm)[1];
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

}  // namespace dynamus::imaging
