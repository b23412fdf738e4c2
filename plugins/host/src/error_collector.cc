#include <fmt/format.h>

#include "plugin_adapters.h"

namespace dynamus::plugin_host {

void ErrorCollector::report(void* context, const char* message) {
  auto& self = *static_cast<ErrorCollector*>(context);
  if (message != nullptr) self.message_ = message;
}

Status ErrorCollector::failure(const PluginInfo& plugin, const char* call) const {
  return Status(StatusCode::kInternal,
                fmt::format("plugin {} '{}' failed in {}: {}", plugin.kind, plugin.name, call,
                            message_.empty() ? "no reason given" : message_),
                plugin.path);
}

}  // namespace dynamus::plugin_host
