// A plugin's tracker as an imaging::Tracker: the host allocates the grid, the plugin fills it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "plugin_adapters.h"

namespace dynamus::plugin_host {
namespace {

class PluginTracker final : public imaging::Tracker, private PluginInstance<DynamusTrackerTable> {
 public:
  using PluginInstance::PluginInstance;

  std::string_view name() const override { return info_.name; }
  const PluginInfo* plugin() const override { return &info_; }

  Result<imaging::FlowField> track(std::span<const std::uint8_t> from,
                                   std::span<const std::uint8_t> to, int width_px, int height_px,
                                   int step_px,
                                   const imaging::FlowField* prediction) const override {
    DYNAMUS_ASSIGN_OR_RETURN(imaging::FlowField field,
                             imaging::node_grid(from, to, width_px, height_px, step_px));
    const std::size_t nodes = std::size_t(field.cols) * std::size_t(field.rows);
    field.dx_px.assign(nodes, NAN);
    field.dy_px.assign(nodes, NAN);
    field.quality.assign(nodes, NAN);
    DynamusFlowGrid grid{step_px,
                         field.cols,
                         field.rows,
                         field.dx_px.data(),
                         field.dy_px.data(),
                         field.quality.data(),
                         0.0f};
    const bool predicted = prediction != nullptr && prediction->step_px == step_px &&
                           prediction->cols == field.cols && prediction->rows == field.rows;
    ErrorCollector error;
    if (table_->track(instance_, from.data(), to.data(), width_px, height_px,
                      predicted ? prediction->dx_px.data() : nullptr,
                      predicted ? prediction->dy_px.data() : nullptr, &grid,
                      error.sink()) != DYNAMUS_PLUGIN_OK) {
      return error.failure(info_, "track");
    }
    std::size_t trusted = 0;
    for (std::size_t i = 0; i < nodes; ++i) {
      if (!std::isfinite(field.dx_px[i]) || !std::isfinite(field.dy_px[i]) ||
          !std::isfinite(field.quality[i])) {
        return Status(StatusCode::kInternal,
                      fmt::format("plugin tracker '{}' left node {} of {} unset or not finite",
                                  info_.name, i, nodes),
                      info_.path);
      }
      field.quality[i] = std::clamp(field.quality[i], 0.0f, 1.0f);
      if (field.quality[i] >= imaging::kTrustedQuality) ++trusted;
    }
    field.forward_backward_error_px =
        std::isfinite(grid.forward_backward_error_px) ? grid.forward_backward_error_px : 0.0f;
    field.trackable_share = float(trusted) / float(nodes);
    imaging::repair_untrusted(field);
    return field;
  }
};

}  // namespace

imaging::TrackerFactory tracker_factory(const PluginInfo& info, const DynamusTrackerTable* table) {
  return instance_factory<imaging::Tracker, PluginTracker>(info, table);
}

}  // namespace dynamus::plugin_host
