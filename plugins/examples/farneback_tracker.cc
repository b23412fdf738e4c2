// Example tracker plugin: OpenCV's Farneback dense optical flow, sampled at the host's grid nodes.
// With a prediction (the previous pair's field) the flow starts from it, interpolated to every
// pixel. Farneback has no quality measure of its own: every node gets 1.
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "dynamus/plugin_sdk.h"

namespace {

// Larger windows and polynomial neighbourhoods than OpenCV's defaults: speckle is noisy at the
// scale of a few pixels, the tissue's motion is smooth over a dozen.
constexpr double kPyramidScale = 0.5;
constexpr int kLevels = 3;
constexpr int kWindowPx = 21;
constexpr int kIterations = 3;
constexpr int kPolyN = 7;
constexpr double kPolySigma = 1.5;

class FarnebackTracker final : public dynamus::sdk::Tracker {
 public:
  void track(const dynamus::sdk::FlowRequest& request, dynamus::sdk::FlowOutput& out) override {
    auto* from = const_cast<std::uint8_t*>(request.from.data());  // OpenCV only reads
    auto* to = const_cast<std::uint8_t*>(request.to.data());
    const cv::Mat a(request.height_px, request.width_px, CV_8UC1, from);
    const cv::Mat b(request.height_px, request.width_px, CV_8UC1, to);
    cv::Mat flow;
    int flags = 0;
    if (!request.prediction_dx_px.empty()) {
      flow = initial_flow(request);
      flags = cv::OPTFLOW_USE_INITIAL_FLOW;
    }
    cv::calcOpticalFlowFarneback(a, b, flow, kPyramidScale, kLevels, kWindowPx, kIterations, kPolyN,
                                 kPolySigma, flags);
    for (int row = 0; row < request.rows; ++row) {
      for (int col = 0; col < request.cols; ++col) {
        const cv::Vec2f d =
            flow.at<cv::Vec2f>(int(request.node_y_px(row)), int(request.node_x_px(col)));
        const std::size_t i = request.index(col, row);
        out.dx_px[i] = d[0];
        out.dy_px[i] = d[1];
        out.quality[i] = 1.0f;
      }
    }
  }

 private:
  // The grid's prediction resized to a full-resolution flow (the grid spans the nodes' hull).
  static cv::Mat initial_flow(const dynamus::sdk::FlowRequest& request) {
    cv::Mat grid(request.rows, request.cols, CV_32FC2);
    for (int row = 0; row < request.rows; ++row) {
      for (int col = 0; col < request.cols; ++col) {
        const std::size_t i = request.index(col, row);
        grid.at<cv::Vec2f>(row, col) =
            cv::Vec2f(request.prediction_dx_px[i], request.prediction_dy_px[i]);
      }
    }
    cv::Mat flow;
    cv::resize(grid, flow, cv::Size(request.width_px, request.height_px), 0, 0, cv::INTER_LINEAR);
    return flow;
  }
};

}  // namespace

DYNAMUS_EXPORT_TRACKER(FarnebackTracker, "example-farneback", "1.0.0")
