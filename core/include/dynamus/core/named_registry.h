// Algorithms added by name from outside the library that defines their interface (the plugin host
// registers the plugins' trackers and detectors), so a library knows nothing of plugins.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus {

// Factory: any callable; what a registry hands back for a name. Thread-safe.
template <typename Factory>
class NamedRegistry {
 public:
  // `built_in`: the names of the library's own algorithms, which cannot be added.
  explicit NamedRegistry(std::vector<std::string> built_in) : built_in_(std::move(built_in)) {}

  Status add(const std::string& name, Factory factory) {
    const std::lock_guard lock(mutex_);
    const bool used = std::find(built_in_.begin(), built_in_.end(), name) != built_in_.end() ||
                      std::any_of(entries_.begin(), entries_.end(),
                                  [&](const auto& entry) { return entry.first == name; });
    if (name.empty()) return Status(StatusCode::kInvalidArgument, "the name is empty");
    if (used) return Status(StatusCode::kInvalidArgument, "the name '" + name + "' is taken");
    entries_.emplace_back(name, std::move(factory));
    return ok_status();
  }
  // The built-in names, then the added ones in the order added.
  std::vector<std::string> names() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> names = built_in_;
    for (const auto& entry : entries_) names.push_back(entry.first);
    return names;
  }
  // An empty Factory when the name is unknown.
  Factory find(std::string_view name) const {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry.first == name) return entry.second;
    }
    return {};
  }

 private:
  const std::vector<std::string> built_in_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Factory>> entries_;
};

}  // namespace dynamus
