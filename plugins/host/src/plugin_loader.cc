// Finding, loading and checking plugins, and registering what passes.
#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "dynamus/core/sha256.h"
#include "dynamus/plugin_host/plugin_host.h"
#include "plugin_adapters.h"

namespace dynamus::plugin_host {
namespace {

namespace fs = std::filesystem;

const char* kind_name(std::uint32_t kind) {
  return kind == DYNAMUS_PLUGIN_KIND_TRACKER    ? "tracker"
         : kind == DYNAMUS_PLUGIN_KIND_DETECTOR ? "detector"
                                                : nullptr;
}

// The reason a header is refused, or empty.
std::string check_header(const DynamusPluginHeader* header) {
  if (header == nullptr) {
    return fmt::format("{} returned no table for plugin ABI {} (built for another ABI?)",
                       DYNAMUS_PLUGIN_ENTRY_POINT, DYNAMUS_PLUGIN_ABI_VERSION);
  }
  if (header->struct_size < sizeof(DynamusPluginHeader)) {
    return fmt::format("its header struct is {} bytes, shorter than the {} of plugin ABI {}",
                       header->struct_size, sizeof(DynamusPluginHeader),
                       DYNAMUS_PLUGIN_ABI_VERSION);
  }
  if (header->abi_version != DYNAMUS_PLUGIN_ABI_VERSION) {
    return fmt::format("built for plugin ABI {}; this dynamus loads ABI {}", header->abi_version,
                       DYNAMUS_PLUGIN_ABI_VERSION);
  }
  if (header->api_version < 1) {
    return fmt::format("plugin API version {}; this dynamus needs at least 1", header->api_version);
  }
  if (header->name == nullptr || *header->name == '\0') return "it has no name";
  if (header->plugin_version == nullptr) return "it has no plugin version";
  if (kind_name(header->kind) == nullptr)
    return fmt::format("unknown plugin kind {}", header->kind);
  const std::size_t needed = header->kind == DYNAMUS_PLUGIN_KIND_TRACKER
                                 ? sizeof(DynamusTrackerTable)
                                 : sizeof(DynamusDetectorTable);
  if (header->struct_size < needed) {
    return fmt::format("its {} table is {} bytes, shorter than the {} of plugin ABI {}",
                       kind_name(header->kind), header->struct_size, needed,
                       DYNAMUS_PLUGIN_ABI_VERSION);
  }
  if (header->kind == DYNAMUS_PLUGIN_KIND_TRACKER) {
    const auto* table = reinterpret_cast<const DynamusTrackerTable*>(header);
    if (!table->create || !table->destroy || !table->track)
      return "its tracker table has null functions";
  } else {
    const auto* table = reinterpret_cast<const DynamusDetectorTable*>(header);
    if (!table->create || !table->destroy || !table->detect)
      return "its detector table has null functions";
  }
  return {};
}

// The folder of this very library, found through one of its symbols.
fs::path host_library_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&plugin_dirs), &info) == 0 || info.dli_fname == nullptr) {
    return {};
  }
  std::error_code error;
  const fs::path path = fs::canonical(info.dli_fname, error);
  return error ? fs::path() : path.parent_path();
}

}  // namespace

Result<LoadedPlugin> open_plugin(const fs::path& path) {
  std::error_code error;
  const fs::path file = fs::absolute(path, error);
  auto refuse = [&](const std::string& reason) {
    return Status(StatusCode::kUnsupported, "not loaded: " + reason, file.string());
  };
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return refuse(why ? why : "dlopen failed");
  }
  auto refuse_and_close = [&](const std::string& reason) {
    ::dlclose(handle);
    return refuse(reason);
  };
  auto* init = reinterpret_cast<DynamusPluginInitV1>(::dlsym(handle, DYNAMUS_PLUGIN_ENTRY_POINT));
  if (init == nullptr) {
    return refuse_and_close(
        fmt::format("no {} entry point (not a dynamus plugin)", DYNAMUS_PLUGIN_ENTRY_POINT));
  }
  const DynamusPluginHeader* header = init(DYNAMUS_PLUGIN_ABI_VERSION, DYNAMUS_PLUGIN_API_VERSION);
  if (const std::string reason = check_header(header); !reason.empty()) {
    return refuse_and_close(reason);
  }
  Result<std::string> sha256 = sha256_file(file);
  if (!sha256.ok()) return refuse_and_close(sha256.status().message());
  LoadedPlugin plugin;
  plugin.info = {header->name,
                 kind_name(header->kind),
                 header->plugin_version,
                 header->abi_version,
                 header->api_version,
                 file.string(),
                 *sha256};
  if (header->kind == DYNAMUS_PLUGIN_KIND_TRACKER) {
    plugin.tracker =
        tracker_factory(plugin.info, reinterpret_cast<const DynamusTrackerTable*>(header));
  } else {
    plugin.detector =
        detector_factory(plugin.info, reinterpret_cast<const DynamusDetectorTable*>(header));
  }
  return plugin;  // the handle stays open: the factories point into the shared object
}

std::vector<fs::path> plugin_dirs() {
  std::vector<fs::path> dirs;
  if (const char* path = std::getenv("DYNAMUS_PLUGIN_PATH")) {
    std::stringstream folders(path);
    std::string folder;
    while (std::getline(folders, folder, ':')) {
      if (!folder.empty()) dirs.emplace_back(folder);
    }
  }
  if (const fs::path lib = host_library_dir(); !lib.empty())
    dirs.push_back(lib / "dynamus/plugins");
  return dirs;
}

PluginScan load_plugins(const std::vector<fs::path>& dirs) {
  PluginScan scan;
  for (const fs::path& dir : dirs) {
    std::error_code error;
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      Result<LoadedPlugin> plugin = open_plugin(file);
      if (!plugin.ok()) {
        scan.rejected.push_back({plugin.status().context(), plugin.status().message()});
        continue;
      }
      const Status registered =
          plugin->tracker ? imaging::register_tracker(plugin->info.name, plugin->tracker)
                          : segmentation::register_detector(plugin->info.name, plugin->detector);
      if (!registered.ok()) {
        scan.rejected.push_back({plugin->info.path, "not loaded: " + registered.message()});
        continue;
      }
      scan.loaded.push_back(plugin->info);
    }
  }
  return scan;
}

const PluginScan& register_plugins() {
  static const PluginScan scan = load_plugins(plugin_dirs());
  return scan;
}

}  // namespace dynamus::plugin_host
