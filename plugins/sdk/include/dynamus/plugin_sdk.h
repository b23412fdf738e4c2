// Header-only C++ adapter over the plain-C plugin ABI (plugin_api.h): a plugin author writes a
// normal class and one export line,
//
//   class MyTracker : public dynamus::sdk::Tracker {
//     void track(const dynamus::sdk::FlowRequest& request, dynamus::sdk::FlowOutput& out) override;
//   };
//   DYNAMUS_EXPORT_TRACKER(MyTracker, "my-tracker", "1.0")
//
// The adapter turns every C++ exception into an error status with its message, so none crosses
// the boundary: to fail a call, throw (std::runtime_error("why") is enough). One instance of the
// class serves one tracking or detection run, called from one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "dynamus/plugin_api.h"

namespace dynamus::sdk {

// One frame pair and the grid to fill. Node (col, row) is at x = step_px * (col + 1),
// y = step_px * (row + 1) pixels; values are row-major, cols * rows of them.
struct FlowRequest {
  std::span<const std::uint8_t> from, to;  // width_px * height_px grey bytes, row-major
  int width_px = 0, height_px = 0;
  int step_px = 0, cols = 0, rows = 0;
  // Empty, or the previous pair's displacement on the same grid: where the search may start.
  std::span<const float> prediction_dx_px, prediction_dy_px;

  float node_x_px(int col) const { return float(step_px * (col + 1)); }
  float node_y_px(int row) const { return float(step_px * (row + 1)); }
  std::size_t index(int col, int row) const { return std::size_t(row * cols + col); }
};

// Host-owned: fill every node. Quality in [0, 1] (1 when the tracker has no measure of its own).
struct FlowOutput {
  std::span<float> dx_px, dy_px, quality;
  float forward_backward_error_px = 0.0f;
};

class Tracker {
 public:
  virtual ~Tracker() = default;
  virtual void track(const FlowRequest& request, FlowOutput& out) = 0;
};

// A cine loop as the host passes it: frames, calibration, timing and the motion on its grid.
class Cine {
 public:
  explicit Cine(const DynamusCine& raw) : raw_(raw) {}
  int width_px() const { return raw_.width_px; }
  int height_px() const { return raw_.height_px; }
  int frame_count() const { return raw_.frame_count; }
  std::span<const std::uint8_t> frame(int f) const {
    return {raw_.frames[f], std::size_t(raw_.width_px) * std::size_t(raw_.height_px)};
  }
  double spacing_x_mm() const { return raw_.spacing_mm[0]; }
  double spacing_y_mm() const { return raw_.spacing_mm[1]; }
  double t_s(int f) const { return raw_.timestamps_s[f]; }
  // Motion from frame p to p + 1 (p < frame_count - 1) at the nodes of the grid.
  int step_px() const { return raw_.step_px; }
  int cols() const { return raw_.cols; }
  int rows() const { return raw_.rows; }
  std::span<const float> dx_px(int pair) const { return grid_values(raw_.dx_px, pair); }
  std::span<const float> dy_px(int pair) const { return grid_values(raw_.dy_px, pair); }
  std::span<const float> quality(int pair) const { return grid_values(raw_.quality, pair); }
  const DynamusCine& raw() const { return raw_; }

 private:
  std::span<const float> grid_values(const float* const* values, int pair) const {
    return {values[pair], std::size_t(raw_.cols) * std::size_t(raw_.rows)};
  }
  const DynamusCine& raw_;
};

struct Candidate {
  int frame = 0;
  std::vector<std::array<double, 2>> polygon_mm;  // (x_mm, y_mm), at least 3 points
  double score = 0.0;                             // [0, 1]; 0.5 and above: suspected
  std::string label;
};

class CandidateSink {
 public:
  explicit CandidateSink(const DynamusCandidateSink& raw) : raw_(raw) {}
  // Throws when the host refuses the candidate (it says why through the error sink).
  void emit(const Candidate& candidate) const {
    if (candidate.polygon_mm.size() < 3) throw std::invalid_argument("a polygon needs 3 points");
    const DynamusCandidate raw{candidate.frame, candidate.polygon_mm.front().data(),
                               std::int32_t(candidate.polygon_mm.size()), candidate.score,
                               candidate.label.c_str()};
    if (raw_.emit(raw_.context, &raw) != DYNAMUS_PLUGIN_OK) {
      throw std::runtime_error("the host refused a candidate");
    }
  }

 private:
  const DynamusCandidateSink& raw_;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual void detect(const Cine& cine, CandidateSink& sink) = 0;
};

namespace detail {

// Runs `body`, turning any exception into DYNAMUS_PLUGIN_ERROR with its message.
template <typename Body>
int guarded(const DynamusErrorSink* error, Body&& body) noexcept {
  const char* message = "unknown C++ exception";
  std::string what;
  try {
    body();
    return DYNAMUS_PLUGIN_OK;
  } catch (const std::exception& e) {
    try {
      what = e.what();
      message = what.c_str();
    } catch (...) {
    }
  } catch (...) {
  }
  if (error != nullptr && error->report != nullptr) error->report(error->context, message);
  return DYNAMUS_PLUGIN_ERROR;
}

template <typename T>
int create(void** instance, const DynamusErrorSink* error) {
  return guarded(error, [&] { *instance = new T(); });
}

template <typename T>
void destroy(void* instance) {
  delete static_cast<T*>(instance);
}

template <typename T>
int track(void* instance, const std::uint8_t* from, const std::uint8_t* to, std::int32_t width_px,
          std::int32_t height_px, const float* prediction_dx_px, const float* prediction_dy_px,
          DynamusFlowGrid* out, const DynamusErrorSink* error) {
  return guarded(error, [&] {
    const std::size_t pixels = std::size_t(width_px) * std::size_t(height_px);
    const std::size_t nodes = std::size_t(out->cols) * std::size_t(out->rows);
    const std::size_t predicted = prediction_dx_px != nullptr ? nodes : 0;
    const FlowRequest request{{from, pixels},
                              {to, pixels},
                              width_px,
                              height_px,
                              out->step_px,
                              out->cols,
                              out->rows,
                              {prediction_dx_px, predicted},
                              {prediction_dy_px, predicted}};
    FlowOutput output{{out->dx_px, nodes}, {out->dy_px, nodes}, {out->quality, nodes}, 0.0f};
    static_cast<T*>(instance)->track(request, output);
    out->forward_backward_error_px = output.forward_backward_error_px;
  });
}

template <typename T>
int detect(void* instance, const DynamusCine* cine, const DynamusCandidateSink* sink,
           const DynamusErrorSink* error) {
  return guarded(error, [&] {
    CandidateSink candidates(*sink);
    static_cast<T*>(instance)->detect(Cine(*cine), candidates);
  });
}

inline constexpr DynamusPluginHeader header(std::uint32_t size, std::uint32_t kind,
                                            const char* name, const char* version) {
  return {size, DYNAMUS_PLUGIN_ABI_VERSION, DYNAMUS_PLUGIN_API_VERSION, kind, name, version};
}

}  // namespace detail
}  // namespace dynamus::sdk

// The plugin's entry point for a tracker class (default-constructible, derived from
// dynamus::sdk::Tracker). Use once per shared object.
#define DYNAMUS_EXPORT_TRACKER(Class, name, version)                                           \
  DYNAMUS_PLUGIN_EXPORT const DynamusPluginHeader* dynamus_plugin_init_v1(                     \
      uint32_t requested_abi, uint32_t /*requested_api*/) {                                    \
    static const DynamusTrackerTable table{                                                    \
        dynamus::sdk::detail::header(sizeof(DynamusTrackerTable), DYNAMUS_PLUGIN_KIND_TRACKER, \
                                     name, version),                                           \
        &dynamus::sdk::detail::create<Class>, &dynamus::sdk::detail::destroy<Class>,           \
        &dynamus::sdk::detail::track<Class>};                                                  \
    return requested_abi == DYNAMUS_PLUGIN_ABI_VERSION ? &table.header : nullptr;              \
  }

// The same for a detector class (derived from dynamus::sdk::Detector).
#define DYNAMUS_EXPORT_DETECTOR(Class, name, version)                                            \
  DYNAMUS_PLUGIN_EXPORT const DynamusPluginHeader* dynamus_plugin_init_v1(                       \
      uint32_t requested_abi, uint32_t /*requested_api*/) {                                      \
    static const DynamusDetectorTable table{                                                     \
        dynamus::sdk::detail::header(sizeof(DynamusDetectorTable), DYNAMUS_PLUGIN_KIND_DETECTOR, \
                                     name, version),                                             \
        &dynamus::sdk::detail::create<Class>, &dynamus::sdk::detail::destroy<Class>,             \
        &dynamus::sdk::detail::detect<Class>};                                                   \
    return requested_abi == DYNAMUS_PLUGIN_ABI_VERSION ? &table.header : nullptr;                \
  }
