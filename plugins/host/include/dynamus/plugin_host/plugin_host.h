// The plugin host: finds dynamus plugins (plugin_api.h), loads and checks them, and registers
// their trackers and detectors with imaging and segmentation by name, so `--tracker NAME` and
// `--detector NAME` reach them like the built-in ones. Imaging and segmentation know nothing of
// plugins; the programs (the CLI, the viewer) call register_plugins() at start.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/core/plugin_info.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/segmentation/detector.h"

namespace dynamus::plugin_host {

// A checked plugin: its record and the factory of its kind (the other one empty). The shared
// object stays loaded for the rest of the process: instances may outlive any registry.
struct LoadedPlugin {
  PluginInfo info;
  imaging::TrackerFactory tracker;
  segmentation::DetectorFactory detector;
};

// Loads `path` with dlopen(RTLD_NOW | RTLD_LOCAL) and checks, before calling anything but its
// entry point: the entry point exists, it returns a table, the header's struct_size covers the
// header, the ABI version equals this host's, the API version is at least 1, the name and version
// are given, the kind is known, struct_size covers that kind's table and its functions are set.
// kUnsupported with the reason (context: the file) otherwise; the file is then unloaded.
Result<LoadedPlugin> open_plugin(const std::filesystem::path& path);

struct RejectedPlugin {
  std::string path;
  std::string reason;
};

struct PluginScan {
  std::vector<PluginInfo> loaded;
  std::vector<RejectedPlugin> rejected;  // not plugins, failed checks, or names already taken
};

// Where plugins are looked for, in order: each folder of DYNAMUS_PLUGIN_PATH (colon-separated),
// then `dynamus/plugins` beside the host library (the install's
// ${CMAKE_INSTALL_LIBDIR}/dynamus/plugins; in the build tree build/lib/dynamus/plugins, where the
// in-tree examples land).
std::vector<std::filesystem::path> plugin_dirs();

// Opens every `*.so` of the folders (each folder in name order) and registers what passes; a name
// already taken (built in, or an earlier plugin) is rejected.
PluginScan load_plugins(const std::vector<std::filesystem::path>& dirs);

// load_plugins(plugin_dirs()) once per process; later calls return the first scan.
const PluginScan& register_plugins();

}  // namespace dynamus::plugin_host
