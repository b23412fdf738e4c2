// The plugin host on its own: each misbehaving fixture refused or contained with a reason naming
// it, the examples loaded with their provenance, and the example tracker's motion against the
// default tracker's on a bundled scan.
#include "dynamus/plugin_host/plugin_host.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "dynamus/core/sha256.h"
#include "dynamus/imaging/load.h"
#include "temp_dir.h"

namespace dynamus::plugin_host {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = DYNAMUS_FIXTURE_DIR;
const fs::path kPlugins = DYNAMUS_PLUGIN_DIR;
// Measured on retracting-tear.dcm: median difference 0.021 px for a median motion of 0.26 px
// per frame pair.
constexpr double kMaxMedianDifferencePx = 0.05;

// The reason `file` is refused; fails the test when it loads.
std::string refusal(const fs::path& file) {
  Result<LoadedPlugin> plugin = open_plugin(file);
  EXPECT_FALSE(plugin.ok()) << file;
  if (plugin.ok()) return {};
  EXPECT_EQ(plugin.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(plugin.status().context(), file.string());
  return plugin.status().message();
}

TEST(PluginHost, RefusesPluginsThatFailTheChecks) {
  EXPECT_EQ(refusal(kFixtures / "bad_abi.so"),
            "not loaded: built for plugin ABI 2; this dynamus loads ABI 1");
  EXPECT_EQ(refusal(kFixtures / "no_entry_point.so"),
            "not loaded: no dynamus_plugin_init_v1 entry point (not a dynamus plugin)");
  EXPECT_EQ(refusal(kFixtures / "short_header.so"),
            "not loaded: its header struct is 8 bytes, shorter than the 32 of plugin ABI 1");
}

TEST(PluginHost, RefusesAFileThatIsNoSharedObject) {
  testing::TempDir dir;
  std::ofstream(dir / "junk.so") << "not an ELF file\n";
  EXPECT_NE(refusal(dir / "junk.so").find("junk.so"), std::string::npos);
}

TEST(PluginHost, LoadsTheExamplesWithTheirProvenance) {
  for (const auto& [file, name, kind] :
       {std::tuple{"example_farneback.so", "example-farneback", "tracker"},
        {"example_echogenicity.so", "example-echogenicity", "detector"}}) {
    Result<LoadedPlugin> plugin = open_plugin(kPlugins / file);
    ASSERT_TRUE(plugin.ok()) << plugin.status().to_string();
    EXPECT_EQ(plugin->info.name, name);
    EXPECT_EQ(plugin->info.kind, kind);
    EXPECT_EQ(plugin->info.version, "1.0.0");
    EXPECT_EQ(plugin->info.abi_version, 1u);
    EXPECT_EQ(plugin->info.api_version, 1u);
    EXPECT_EQ(plugin->info.path, (kPlugins / file).string());
    EXPECT_EQ(plugin->info.sha256, *sha256_file(kPlugins / file));
    EXPECT_EQ(bool(plugin->tracker), std::string(kind) == "tracker");
    EXPECT_EQ(bool(plugin->detector), std::string(kind) == "detector");
  }
}

TEST(PluginHost, AFailingTrackerFailsTheCallNamingThePlugin) {
  Result<LoadedPlugin> plugin = open_plugin(kFixtures / "failing_tracker.so");
  ASSERT_TRUE(plugin.ok()) << plugin.status().to_string();
  Result<std::unique_ptr<imaging::Tracker>> tracker = plugin->tracker();
  ASSERT_TRUE(tracker.ok());
  EXPECT_EQ((*tracker)->plugin()->name, "fixture-failing");
  const std::vector<std::uint8_t> narrow(200 * 100, 128), wide(320 * 100, 128);
  // Below its limit it tracks (no motion) ...
  Result<imaging::FlowField> field = (*tracker)->track(narrow, narrow, 200, 100, 16);
  ASSERT_TRUE(field.ok()) << field.status().to_string();
  EXPECT_EQ(field->cols, 12);
  EXPECT_EQ(field->rows, 6);
  EXPECT_FLOAT_EQ(field->trackable_share, 1.0f);
  // ... above it the error comes back as a status with the plugin's reason.
  field = (*tracker)->track(wide, wide, 320, 100, 16);
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.status().code(), StatusCode::kInternal);
  EXPECT_EQ(field.status().message(),
            "plugin tracker 'fixture-failing' failed in track: no model for frames wider than "
            "300 px");
  EXPECT_EQ(field.status().context(), (kFixtures / "failing_tracker.so").string());
}

// The default tracker as the reference: on a bundled scan the example's Farneback motion agrees
// with it at the nodes the default trusts (median difference over all pairs and nodes).
TEST(PluginHost, TheExampleTrackerMovesLikeTheDefaultOne) {
  Result<imaging::CineLoop> loop =
      imaging::load(std::string(DYNAMUS_SAMPLE_DIR) + "/retracting-tear.dcm");
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  Result<LoadedPlugin> plugin = open_plugin(kPlugins / "example_farneback.so");
  ASSERT_TRUE(plugin.ok()) << plugin.status().to_string();
  Result<std::unique_ptr<imaging::Tracker>> farneback = plugin->tracker();
  Result<std::unique_ptr<imaging::Tracker>> reference = imaging::create_tracker("default");
  ASSERT_TRUE(farneback.ok() && reference.ok());
  Result<imaging::Motion> a = imaging::track(*loop, **farneback);
  Result<imaging::Motion> b = imaging::track(*loop, **reference);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->tracker_plugin->name, "example-farneback");
  ASSERT_EQ(a->pairs.size(), b->pairs.size());
  std::vector<double> differences, motion;
  for (std::size_t p = 0; p < a->pairs.size(); ++p) {
    const imaging::FlowField &fa = a->pairs[p], &fb = b->pairs[p];
    ASSERT_EQ(fa.dx_px.size(), fb.dx_px.size());
    for (std::size_t i = 0; i < fa.dx_px.size(); ++i) {
      if (fb.quality[i] < imaging::kTrustedQuality) continue;
      differences.push_back(std::hypot(fa.dx_px[i] - fb.dx_px[i], fa.dy_px[i] - fb.dy_px[i]));
      motion.push_back(std::hypot(fb.dx_px[i], fb.dy_px[i]));
    }
  }
  ASSERT_GT(differences.size(), 1000u);
  auto median = [](std::vector<double> values) {
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2),
                     values.end());
    return values[values.size() / 2];
  };
  EXPECT_GT(median(motion), 0.1);  // the tissue moves: agreement is not both standing still
  EXPECT_LT(median(differences), kMaxMedianDifferencePx);
}

}  // namespace
}  // namespace dynamus::plugin_host
