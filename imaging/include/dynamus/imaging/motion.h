// Tissue motion between frames of a cine loop, on a coarse grid of nodes (every few pixels): a
// full-resolution flow field per frame would need 0.7 GB for a 300-frame 640x480 loop.
//
// Trackers follow OpenCV's pattern: an interface, a factory by name, a hidden implementation, so
// trackers from plugins and from the tree look the same.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/plugin_info.h"
#include "dynamus/core/progress.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

// Below this quality a node's own displacement is not trusted: its motion is the median of its
// trusted neighbours'. The untrusted nodes are the loop's low-quality mask.
constexpr float kTrustedQuality = 0.3f;

// Displacement from one frame to the next at nodes (x = step_px * (col + 1),
// y = step_px * (row + 1)), in pixels of the loop; quality in [0, 1] (1: consistent forward and
// backward, 0: not trackable, e.g. anechoic fluid or out-of-plane decorrelation).
struct FlowField {
  int step_px = 0;
  int cols = 0;
  int rows = 0;
  std::vector<float> dx_px;
  std::vector<float> dy_px;
  std::vector<float> quality;
  float forward_backward_error_px = 0.0f;  // median over the trackable nodes
  float trackable_share = 1.0f;            // of the nodes: anechoic areas have no speckle to follow

  float node_x_px(int col) const { return float(step_px * (col + 1)); }
  float node_y_px(int row) const { return float(step_px * (row + 1)); }
  std::size_t index(int col, int row) const {
    return std::size_t(row) * std::size_t(cols) + std::size_t(col);
  }
  bool trusted(int col, int row) const { return quality[index(col, row)] >= kTrustedQuality; }
  // Bilinear interpolation of the displacement at any point inside the node grid's hull
  // (clamped to it outside); NaN for a point that is not finite.
  void displacement_at(float x_px, float y_px, float& dx_px_out, float& dy_px_out) const;
};

// Nodes below kTrustedQuality take the median displacement of their trusted neighbours, keeping
// their low quality. Every tracker's field goes through it (plugins' ones by the host).
void repair_untrusted(FlowField& field);

class Tracker {
 public:
  virtual ~Tracker() = default;
  virtual std::string_view name() const = 0;
  // Displacement from frame `from` to frame `to` (grey, width x height, row-major) at the nodes
  // of a grid with the given step. `prediction` (the same grid), when given, is where the search
  // starts: the previous pair's field, as tissue moves smoothly in time. Trackers may ignore it.
  virtual Result<FlowField> track(std::span<const std::uint8_t> from,
                                  std::span<const std::uint8_t> to, int width_px, int height_px,
                                  int step_px, const FlowField* prediction = nullptr) const = 0;
  // The plugin this tracker came from; null for the trackers built into the library.
  virtual const PluginInfo* plugin() const { return nullptr; }
};

// The grid a tracker fills for a frame pair (step, cols, rows; no values yet), or
// kInvalidArgument when the frames do not match the size, the step is not positive or fewer than
// 2x2 nodes fit. Every tracker, in the tree or from a plugin, checks its input with it.
Result<FlowField> node_grid(std::span<const std::uint8_t> from, std::span<const std::uint8_t> to,
                            int width_px, int height_px, int step_px);

// "default" (speckle-tuned grid Lucas-Kanade with forward-backward consistency), the OpenCV
// references "farneback", "dis-ultrafast", "dis-fast", "dis-medium", and any registered tracker.
// kInvalidArgument otherwise.
Result<std::unique_ptr<Tracker>> create_tracker(std::string_view name);
// The built-in names, then the registered ones in the order registered.
std::vector<std::string> tracker_names();

// More trackers by name, from outside the library (the plugin host registers the plugins' ones):
// imaging itself knows nothing of plugins. kInvalidArgument when the name is empty or taken.
// Thread-safe; register before tracking.
using TrackerFactory = std::function<Result<std::unique_ptr<Tracker>>()>;
Status register_tracker(const std::string& name, TrackerFactory factory);

// The motion of a whole loop: one field per consecutive frame pair (frame_count - 1 of them).
struct Motion {
  std::string tracker;
  int step_px = 0;
  std::vector<FlowField> pairs;
  float forward_backward_error_px = 0.0f;                   // median over the pairs
  float trackable_share = 1.0f;                             // median over the pairs
  std::optional<PluginInfo> tracker_plugin = std::nullopt;  // when it came from a plugin
};

struct TrackOptions {
  // Nodes every 16 px (1.6 mm at 0.1 mm/px): tissue motion is smooth on that scale, and
  // trajectories refine their points directly against the frames anyway. Finer grids cost in
  // proportion.
  int step_px = 16;
  // Told after each frame pair; cancelling makes track() return kCancelled.
  Progress progress = {};
};

// Tracks consecutive pairs, each starting from the previous pair's field.
Result<Motion> track(const CineLoop& loop, const Tracker& tracker,
                     const TrackOptions& options = {});

}  // namespace dynamus::imaging
