// Where an algorithm loaded from a plugin came from: recorded in every result it produced
// (result.json "plugins"), so a result names the exact shared object behind it.
#pragma once

#include <cstdint>
#include <string>

namespace dynamus {

struct PluginInfo {
  std::string name;     // the algorithm's name, as given to --tracker / --detector
  std::string kind;     // "tracker" or "detector"
  std::string version;  // the plugin's own version
  std::uint32_t abi_version = 0, api_version = 0;
  std::string path;    // the shared object, absolute
  std::string sha256;  // of the shared object's bytes
};

}  // namespace dynamus
