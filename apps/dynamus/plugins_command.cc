// dynamus plugins list [--json]: the plugins found (name, kind, ABI/API versions, plugin version,
// path) and the files rejected, with the reason; the folders searched.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "dynamus/plugin_host/plugin_host.h"
#include "dynamus/segmentation/result_json.h"

namespace dynamus::cli {
namespace {

void print_json(const plugin_host::PluginScan& scan) {
  nlohmann::json searched = nlohmann::json::array(), rejected = nlohmann::json::array();
  for (const auto& dir : plugin_host::plugin_dirs()) searched.push_back(dir.string());
  for (const auto& r : scan.rejected) rejected.push_back({{"path", r.path}, {"reason", r.reason}});
  std::cout << nlohmann::json{{"searched", searched},
                              {"plugins", segmentation::plugins_json(scan.loaded)},
                              {"rejected", rejected}}
                   .dump(2)
            << '\n';
}

void print_human(const plugin_host::PluginScan& scan) {
  if (scan.loaded.empty()) std::cout << "no plugins\n";
  for (const PluginInfo& p : scan.loaded) {
    std::cout << fmt::format("{:<24} {:<9} ABI {} API {}  version {:<8} {}\n", p.name, p.kind,
                             p.abi_version, p.api_version, p.version, p.path);
  }
  for (const auto& r : scan.rejected)
    std::cout << fmt::format("rejected {}: {}\n", r.path, r.reason);
  for (const auto& dir : plugin_host::plugin_dirs())
    std::cout << "searched " << dir.string() << '\n';
}

}  // namespace

void add_plugins_command(CLI::App& app, int& exit_code) {
  CLI::App* plugins = app.add_subcommand("plugins", "trackers and detectors from plugins");
  plugins->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  CLI::App* list = plugins->add_subcommand(
      "list",
      "plugins found in DYNAMUS_PLUGIN_PATH and the install's plugin folder, and the "
      "files rejected with the reason");
  list->add_flag("--json", *json, "as JSON: searched, plugins, rejected");
  list->callback([json, &exit_code] {
    const plugin_host::PluginScan& scan = plugin_host::register_plugins();
    *json ? print_json(scan) : print_human(scan);
    exit_code = kExitOk;
  });
}

}  // namespace dynamus::cli
