// The trackers: dynamus's default, built for speckle, and OpenCV's dense references.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/video/tracking.hpp>

#include "dynamus/core/named_registry.h"
#include "dynamus/imaging/motion.h"
#include "motion/motion_support.h"

namespace dynamus::imaging {
namespace {

// Speckle decorrelates over about one resolution cell; a window spanning several cells each way
// (4-6 px laterally at typical spacings) gives a well-conditioned, unique match, and a window no
// larger keeps the tissue's deformation inside it small (17 px: lowest error on the phantom).
constexpr int kWindowPx = 17;
constexpr int kPyramidLevels = 3;
// With the previous pair's field as the start, the residual motion is small enough for the full
// resolution alone (twice as fast, same accuracy on the phantom loops).
constexpr int kPredictedPyramidLevels = 0;
constexpr int kIterations = 10;
constexpr double kEpsilonPx = 0.005;
// A node whose window has less gradient texture than this share of the frame's median (anechoic
// fluid, shadow) is not trackable.
constexpr float kTextureShare = 0.2f;
// Forward-backward disagreement at which a node's quality falls to 1/e.
constexpr float kConsistencyScalePx = 0.5f;

struct Grid {
  int cols, rows;
  std::vector<cv::Point2f> nodes;
};

Result<Grid> make_grid(std::span<const std::uint8_t> from, std::span<const std::uint8_t> to,
                       int width_px, int height_px, int step_px) {
  DYNAMUS_ASSIGN_OR_RETURN(const FlowField field,
                           node_grid(from, to, width_px, height_px, step_px));
  Grid grid{field.cols, field.rows, {}};
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.cols; ++c)
      grid.nodes.emplace_back(field.node_x_px(c), field.node_y_px(r));
  }
  return grid;
}

class GridLucasKanade final : public Tracker {
 public:
  std::string_view name() const override { return "default"; }

  Result<FlowField> track(std::span<const std::uint8_t> from, std::span<const std::uint8_t> to,
                          int width_px, int height_px, int step_px,
                          const FlowField* prediction) const override {
    DYNAMUS_ASSIGN_OR_RETURN(const Grid grid, make_grid(from, to, width_px, height_px, step_px));
    const cv::Mat a = as_mat(from, width_px, height_px), b = as_mat(to, width_px, height_px);
    const cv::TermCriteria criteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, kIterations,
                                    kEpsilonPx);
    // Both searches start from the predicted displacement (or none): the backward one thus checks
    // the forward one independently rather than starting at the answer.
    const bool predicted = prediction != nullptr && prediction->cols == grid.cols &&
                           prediction->rows == grid.rows && prediction->step_px == step_px;
    std::vector<cv::Point2f> forward = grid.nodes, backward(grid.nodes.size());
    for (std::size_t i = 0; predicted && i < grid.nodes.size(); ++i) {
      forward[i] += cv::Point2f(prediction->dx_px[i], prediction->dy_px[i]);
    }
    const int levels = predicted ? kPredictedPyramidLevels : kPyramidLevels;
    std::vector<std::uint8_t> found_forward, found_backward;
    std::vector<float> texture, error;  // texture: the window's smallest gradient eigenvalue
    cv::calcOpticalFlowPyrLK(a, b, grid.nodes, forward, found_forward, texture,
                             cv::Size(kWindowPx, kWindowPx), levels, criteria,
                             cv::OPTFLOW_USE_INITIAL_FLOW | cv::OPTFLOW_LK_GET_MIN_EIGENVALS);
    const float texture_floor = kTextureShare * median(texture);
    for (std::size_t i = 0; i < grid.nodes.size(); ++i) {
      backward[i] = forward[i];
      if (predicted) backward[i] -= cv::Point2f(prediction->dx_px[i], prediction->dy_px[i]);
    }
    cv::calcOpticalFlowPyrLK(b, a, forward, backward, found_backward, error,
                             cv::Size(kWindowPx, kWindowPx), levels, criteria,
                             cv::OPTFLOW_USE_INITIAL_FLOW);
    FlowField field{step_px, grid.cols, grid.rows, {}, {}, {}, 0.0f, 0.0f};
    std::vector<float> consistency;
    for (std::size_t i = 0; i < grid.nodes.size(); ++i) {
      field.dx_px.push_back(forward[i].x - grid.nodes[i].x);
      field.dy_px.push_back(forward[i].y - grid.nodes[i].y);
      const float fb = float(cv::norm(backward[i] - grid.nodes[i]));
      // A window without texture does not move from where both searches start, and so would look
      // consistent: it has nothing to follow.
      const bool found =
          found_forward[i] != 0 && found_backward[i] != 0 && texture[i] >= texture_floor;
      if (found) consistency.push_back(fb);
      field.quality.push_back(
          found ? std::exp(-(fb / kConsistencyScalePx) * (fb / kConsistencyScalePx)) : 0.0f);
    }
    field.forward_backward_error_px = median(consistency);
    field.trackable_share = float(consistency.size()) / float(grid.nodes.size());
    repair_untrusted(field);
    return field;
  }
};

// OpenCV's dense references, sampled at the nodes (no quality of their own: 1 everywhere).
class DenseOpenCv final : public Tracker {
 public:
  enum class Method { kFarneback, kDisUltrafast, kDisFast, kDisMedium };
  DenseOpenCv(Method method, std::string name) : method_(method), name_(std::move(name)) {}
  std::string_view name() const override { return name_; }

  Result<FlowField> track(std::span<const std::uint8_t> from, std::span<const std::uint8_t> to,
                          int width_px, int height_px, int step_px,
                          const FlowField* /*prediction: not used*/) const override {
    DYNAMUS_ASSIGN_OR_RETURN(const Grid grid, make_grid(from, to, width_px, height_px, step_px));
    const cv::Mat a = as_mat(from, width_px, height_px), b = as_mat(to, width_px, height_px);
    cv::Mat flow;
    if (method_ == Method::kFarneback) {
      cv::calcOpticalFlowFarneback(a, b, flow, 0.5, 3, 15, 3, 5, 1.2, 0);
    } else {
      const int preset = method_ == Method::kDisUltrafast ? cv::DISOpticalFlow::PRESET_ULTRAFAST
                         : method_ == Method::kDisFast    ? cv::DISOpticalFlow::PRESET_FAST
                                                          : cv::DISOpticalFlow::PRESET_MEDIUM;
      cv::DISOpticalFlow::create(preset)->calc(a, b, flow);
    }
    FlowField field{step_px, grid.cols, grid.rows, {}, {}, {}, 0.0f, 1.0f};
    for (const cv::Point2f& node : grid.nodes) {
      const cv::Vec2f d = flow.at<cv::Vec2f>(int(node.y), int(node.x));
      field.dx_px.push_back(d[0]);
      field.dy_px.push_back(d[1]);
      field.quality.push_back(1.0f);
    }
    return field;
  }

 private:
  Method method_;
  std::string name_;
};

Result<std::unique_ptr<Tracker>> make_dense(DenseOpenCv::Method method, const char* name) {
  return std::unique_ptr<Tracker>(std::make_unique<DenseOpenCv>(method, name));
}

// The built-in trackers' names and the trackers registered from outside (plugins).
NamedRegistry<TrackerFactory>& registry() {
  static NamedRegistry<TrackerFactory> instance(
      {"default", "farneback", "dis-ultrafast", "dis-fast", "dis-medium"});
  return instance;
}

}  // namespace

// A 5x5 neighbourhood: fluid gaps and shadows get the motion of the tissue around them instead
// of noise.
void repair_untrusted(FlowField& field) {
  const std::vector<float> dx = field.dx_px, dy = field.dy_px;
  for (int r = 0; r < field.rows; ++r) {
    for (int c = 0; c < field.cols; ++c) {
      if (field.quality[field.index(c, r)] >= kTrustedQuality) continue;
      std::vector<float> xs, ys;
      for (int j = std::max(0, r - 2); j <= std::min(field.rows - 1, r + 2); ++j) {
        for (int i = std::max(0, c - 2); i <= std::min(field.cols - 1, c + 2); ++i) {
          if (field.quality[field.index(i, j)] < kTrustedQuality) continue;
          xs.push_back(dx[field.index(i, j)]);
          ys.push_back(dy[field.index(i, j)]);
        }
      }
      if (xs.empty()) continue;
      field.dx_px[field.index(c, r)] = median(xs);
      field.dy_px[field.index(c, r)] = median(ys);
    }
  }
}

Result<FlowField> node_grid(std::span<const std::uint8_t> from, std::span<const std::uint8_t> to,
                            int width_px, int height_px, int step_px) {
  const std::size_t size = std::size_t(width_px) * std::size_t(height_px);
  if (width_px <= 0 || height_px <= 0 || from.size() != size || to.size() != size) {
    return Status(StatusCode::kInvalidArgument, "frames do not match the given size");
  }
  if (step_px < 1) return Status(StatusCode::kInvalidArgument, "grid step must be positive");
  FlowField field;
  field.step_px = step_px;
  field.cols = (width_px - 1) / step_px;
  field.rows = (height_px - 1) / step_px;
  if (field.cols < 2 || field.rows < 2) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("a {}x{} frame is too small for a grid step of {} px", width_px,
                              height_px, step_px));
  }
  return field;
}

std::vector<std::string> tracker_names() { return registry().names(); }

Status register_tracker(const std::string& name, TrackerFactory factory) {
  return registry().add(name, std::move(factory));
}

Result<std::unique_ptr<Tracker>> create_tracker(std::string_view name) {
  using Method = DenseOpenCv::Method;
  if (name == "default") return std::unique_ptr<Tracker>(std::make_unique<GridLucasKanade>());
  if (name == "farneback") return make_dense(Method::kFarneback, "farneback");
  if (name == "dis-ultrafast") return make_dense(Method::kDisUltrafast, "dis-ultrafast");
  if (name == "dis-fast") return make_dense(Method::kDisFast, "dis-fast");
  if (name == "dis-medium") return make_dense(Method::kDisMedium, "dis-medium");
  if (const TrackerFactory factory = registry().find(name)) return factory();
  return Status(StatusCode::kInvalidArgument,
                fmt::format("unknown tracker '{}' ({})", name, fmt::join(tracker_names(), ", ")));
}

Result<Motion> track(const CineLoop& loop, const Tracker& tracker, const TrackOptions& options) {
  Motion motion{std::string(tracker.name()), options.step_px, {}, 0.0f, 1.0f, {}};
  if (tracker.plugin() != nullptr) motion.tracker_plugin = *tracker.plugin();
  std::vector<float> errors, shares;
  const int pairs = loop.frame_count() - 1;
  for (int f = 0; f < pairs; ++f) {
    DYNAMUS_RETURN_IF_ERROR(report_progress(options.progress, double(f) / pairs, "tracking"));
    DYNAMUS_ASSIGN_OR_RETURN(
        FlowField field,
        tracker.track(loop.frame(f), loop.frame(f + 1), loop.width_px(), loop.height_px(),
                      options.step_px, motion.pairs.empty() ? nullptr : &motion.pairs.back()));
    errors.push_back(field.forward_backward_error_px);
    shares.push_back(field.trackable_share);
    motion.pairs.push_back(std::move(field));
  }
  motion.forward_backward_error_px = median(errors);
  motion.trackable_share = median(shares);
  return motion;
}

}  // namespace dynamus::imaging
