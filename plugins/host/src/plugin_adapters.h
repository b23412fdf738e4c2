// The adapters that make a plugin's table look like an imaging::Tracker or a
// segmentation::Detector, and the error sink they hand the plugin.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dynamus/core/plugin_info.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/plugin_api.h"
#include "dynamus/segmentation/detector.h"

namespace dynamus::plugin_host {

// Collects what a plugin reports through its DynamusErrorSink.
class ErrorCollector {
 public:
  ErrorCollector() = default;
  ErrorCollector(const ErrorCollector&) = delete;  // the sink points at this very object
  ErrorCollector& operator=(const ErrorCollector&) = delete;
  const DynamusErrorSink* sink() const { return &sink_; }
  // kInternal: "plugin <kind> 'name' failed in <call>: <message>", context the plugin's file.
  Status failure(const PluginInfo& plugin, const char* call) const;

 private:
  static void report(void* context, const char* message);
  std::string message_;
  DynamusErrorSink sink_{this, &ErrorCollector::report};
};

// Owns one instance of a plugin's table: destroyed with it.
template <typename Table>
class PluginInstance {
 public:
  PluginInstance(PluginInfo info, const Table* table, void* instance)
      : info_(std::move(info)), table_(table), instance_(instance) {}
  ~PluginInstance() { table_->destroy(instance_); }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

 protected:
  PluginInfo info_;
  const Table* table_;
  void* instance_;
};

// A factory creating a plugin instance per call, wrapped in Adapter(info, table, instance), which
// destroys the instance with it.
template <typename Interface, typename Adapter, typename Table>
std::function<Result<std::unique_ptr<Interface>>()> instance_factory(const PluginInfo& info,
                                                                     const Table* table) {
  return [info, table]() -> Result<std::unique_ptr<Interface>> {
    void* instance = nullptr;
    ErrorCollector error;
    if (table->create(&instance, error.sink()) != DYNAMUS_PLUGIN_OK) {
      return error.failure(info, "create");
    }
    return std::unique_ptr<Interface>(std::make_unique<Adapter>(info, table, instance));
  };
}

imaging::TrackerFactory tracker_factory(const PluginInfo& info, const DynamusTrackerTable* table);
segmentation::DetectorFactory detector_factory(const PluginInfo& info,
                                               const DynamusDetectorTable* table);

}  // namespace dynamus::plugin_host
