// Plugins through the CLI as a user runs them: `plugins list` with the fixtures' refusals, the
// examples through `analyze` (result.json names them and records their provenance), and the
// misbehaving ones contained: the study fails with exit code 5 and a message naming the plugin,
// a batch records the failure and goes on.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "dynamus/core/sha256.h"
#include "read_text.h"
#include "run_dynamus.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(DYNAMUS_SAMPLE_DIR) + "/retracting-tear.dcm";

// The sanitizer build (DYNAMUS_SANITIZE): AddressSanitizer would catch the crashing fixture's
// SIGSEGV, print its report and exit 1; the batch must see the signal, as in a normal build.
#ifdef __SANITIZE_ADDRESS__
constexpr const char* kCrashesAsSignals = "ASAN_OPTIONS=\"$ASAN_OPTIONS:handle_segv=0\" ";
#else
constexpr const char* kCrashesAsSignals = "";
#endif

// The CLI with the fixtures on DYNAMUS_PLUGIN_PATH, stderr captured after stdout.
CommandRun run_with_fixtures(const std::string& arguments) {
  return testing::run_command(
      std::string(kCrashesAsSignals) + "DYNAMUS_PLUGIN_PATH=" + shell_quoted(DYNAMUS_FIXTURE_DIR) +
      " " + std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + arguments + " 2>&1");
}

nlohmann::json read_json(const fs::path& path) {
  return nlohmann::json::parse(testing::read_text(path));
}

TEST(PluginsCommand, ListsTheExamplesWithoutEnvironmentAndTheFixturesRejectedWithReasons) {
  const CommandRun plain = run_dynamus("plugins list --json");
  ASSERT_EQ(plain.exit_code, 0);
  const nlohmann::json found = nlohmann::json::parse(plain.out);
  std::set<std::string> names;
  for (const auto& p : found["plugins"]) names.insert(p["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"example-echogenicity", "example-farneback"}));
  EXPECT_TRUE(found["rejected"].empty());

  const CommandRun run = run_with_fixtures("plugins list --json");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const nlohmann::json listed = nlohmann::json::parse(run.out);
  std::map<std::string, std::string> kinds, reasons;
  for (const auto& p : listed["plugins"]) {
    kinds[p["name"]] = p["kind"];
    EXPECT_EQ(p["abi_version"], 1);
    EXPECT_EQ(p["api_version"], 1);
    EXPECT_EQ(p["sha256"].get<std::string>().size(), 64u);
    EXPECT_TRUE(fs::exists(p["path"].get<std::string>()));
  }
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"example-echogenicity", "detector"},
                                                       {"example-farneback", "tracker"},
                                                       {"fixture-crashing", "tracker"},
                                                       {"fixture-failing", "tracker"},
                                                       {"fixture-throwing", "detector"}}));
  for (const auto& r : listed["rejected"]) {
    reasons[fs::path(r["path"].get<std::string>()).filename()] = r["reason"];
  }
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_NE(reasons["bad_abi.so"].find("built for plugin ABI 2"), std::string::npos);
  EXPECT_NE(reasons["no_entry_point.so"].find("no dynamus_plugin_init_v1"), std::string::npos);
  EXPECT_NE(reasons["short_header.so"].find("header struct is 8 bytes"), std::string::npos);

  const CommandRun human = run_with_fixtures("plugins list");
  EXPECT_NE(human.out.find("fixture-failing"), std::string::npos);
  EXPECT_NE(human.out.find("rejected " + std::string(DYNAMUS_FIXTURE_DIR) + "/bad_abi.so"),
            std::string::npos)
      << human.out;
}

TEST(PluginsCommand, AnalyzeWithThePluginTrackerRecordsIt) {
  testing::TempDir dir;
  const CommandRun run = run_dynamus("analyze " + shell_quoted(kSample) + " -o " +
                                     shell_quoted(dir.path()) + " --tracker example-farneback");
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json result = read_json(dir / "result.json");
  EXPECT_EQ(result["params"]["tracker"], "example-farneback");
  EXPECT_EQ(result["params"]["detector"], "default");
  EXPECT_EQ(result["quality"]["tracker"], "example-farneback");
  ASSERT_EQ(result["plugins"].size(), 1u);
  const nlohmann::json& plugin = result["plugins"][0];
  EXPECT_EQ(plugin["name"], "example-farneback");
  EXPECT_EQ(plugin["kind"], "tracker");
  EXPECT_EQ(plugin["version"], "1.0.0");
  EXPECT_EQ(plugin["sha256"], *sha256_file(plugin["path"].get<std::string>()));
  EXPECT_TRUE(result["detections"].empty());
  // The phantom's contraction is found with either tracker.
  const CommandRun reference =
      run_dynamus("analyze " + shell_quoted(kSample) + " -o " + shell_quoted(dir / "default"));
  ASSERT_EQ(reference.exit_code, 0);
  const nlohmann::json expected = read_json(dir / "default" / "result.json");
  EXPECT_TRUE(expected["plugins"].empty());
  EXPECT_NEAR(result["contraction"]["peak_frame"].get<int>(),
              expected["contraction"]["peak_frame"].get<int>(), 2);
}

// On the retracting tear the lesion detector finds the fluid gap the in-tree finder measures:
// its best candidate drives the finding and the in-tree gap is kept (the same region). On the
// healthy scan it finds nothing.
TEST(PluginsCommand, AnalyzeWithThePluginDetectorDrivesTheTearFinding) {
  testing::TempDir dir;
  const std::string healthy = std::string(DYNAMUS_SAMPLE_DIR) + "/healthy.dcm";
  for (const auto& [input, out] : {std::pair{kSample, "tear"}, {healthy, "healthy"}}) {
    ASSERT_EQ(run_dynamus("analyze " + shell_quoted(input) + " -o " + shell_quoted(dir / out) +
                          " --detector example-echogenicity")
                  .exit_code,
              0);
  }
  ASSERT_EQ(run_dynamus("analyze " + shell_quoted(kSample) + " -o " + shell_quoted(dir / "default"))
                .exit_code,
            0);
  const nlohmann::json result = read_json(dir / "tear" / "result.json");
  const nlohmann::json in_tree = read_json(dir / "default" / "result.json")["tear"];
  EXPECT_EQ(result["params"]["detector"], "example-echogenicity");
  ASSERT_EQ(result["plugins"].size(), 1u);
  EXPECT_EQ(result["plugins"][0]["kind"], "detector");
  const nlohmann::json& detections = result["detections"];
  ASSERT_FALSE(detections.empty());
  double best = 0.0;
  for (const auto& d : detections) {
    EXPECT_EQ(d["detector"], "example-echogenicity");
    EXPECT_EQ(d["label"], "lesion");
    EXPECT_GE(d["score"].get<double>(), 0.0);
    EXPECT_LE(d["score"].get<double>(), 1.0);
    EXPECT_GE(d["polygon_mm"].size(), 3u);
    EXPECT_LT(d["frame"].get<int>(), 40);
    best = std::max(best, d["score"].get<double>());
  }
  const nlohmann::json& tear = result["tear"];
  EXPECT_DOUBLE_EQ(tear["score"].get<double>(), best);
  ASSERT_TRUE(tear["suspected"].get<bool>());
  EXPECT_FALSE(tear["regions"].empty());
  // Within 5 mm (kSameRegionMm) of the in-tree finder's tear: its measurements are kept.
  const double dx = tear["location_mm"][0].get<double>() - in_tree["location_mm"][0].get<double>();
  const double dy = tear["location_mm"][1].get<double>() - in_tree["location_mm"][1].get<double>();
  EXPECT_LT(std::hypot(dx, dy), 5.0);
  EXPECT_EQ(tear["kind"], in_tree["kind"]);
  EXPECT_EQ(tear["gap_mm"], in_tree["gap_mm"]);
  EXPECT_EQ(tear["per_frame_gap_mm"], in_tree["per_frame_gap_mm"]);

  const nlohmann::json clean = read_json(dir / "healthy" / "result.json");
  EXPECT_TRUE(clean["detections"].empty());
  EXPECT_FALSE(clean["tear"]["suspected"].get<bool>());
  EXPECT_EQ(clean["tear"]["kind"], "none");
}

// A tracker that reports an error (plain C) and a detector that throws (through the SDK).
TEST(PluginsCommand, AMisbehavingPluginFailsTheStudyNamingIt) {
  for (const auto& [option, message] :
       {std::pair{"--tracker fixture-failing",
                  "plugin tracker 'fixture-failing' failed in track: no model for frames wider "
                  "than 300 px"},
        {"--detector fixture-throwing",
         "plugin detector 'fixture-throwing' failed in detect: fixture detector threw on "
         "purpose"}}) {
    testing::TempDir dir;
    const CommandRun run = run_with_fixtures("analyze " + shell_quoted(kSample) + " -o " +
                                             shell_quoted(dir.path()) + " " + option);
    EXPECT_EQ(run.exit_code, 5) << option;
    EXPECT_NE(run.out.find(message), std::string::npos) << run.out;
    EXPECT_FALSE(fs::exists(dir / "result.json")) << option;
  }
}

TEST(PluginsCommand, AnUnknownOrRejectedNameIsAUsageError) {
  testing::TempDir dir;
  const CommandRun run = run_with_fixtures("analyze " + shell_quoted(kSample) + " -o " +
                                           shell_quoted(dir.path()) + " --tracker fixture-bad-abi");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("unknown tracker 'fixture-bad-abi'"), std::string::npos) << run.out;
}

// Two studies: one the fixture trackers refuse or crash on (320 px wide) and one they track (a
// 280 px simulation). The batch records the failure, naming the plugin or the signal, and goes on.
class PluginBatch : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(PluginBatch, RecordsThePluginsFailureAndGoesOn) {
  const auto [tracker, reason] = GetParam();
  testing::TempDir dir;
  fs::create_directories(dir / "in");
  fs::copy_file(kSample, dir / "in" / "wide.dcm");
  ASSERT_EQ(run_dynamus("simulate --scenario healthy --frames 8 --size 280x240 -o " +
                        shell_quoted(dir / "in" / "narrow"))
                .exit_code,
            0);
  const CommandRun run =
      run_with_fixtures("batch " + shell_quoted(dir / "in") + " -o " + shell_quoted(dir / "out") +
                        " --jobs 1 --tracker " + tracker);
  EXPECT_EQ(run.exit_code, 1) << run.out;
  const nlohmann::json summary = read_json(dir / "out" / "summary.json");
  std::map<std::string, nlohmann::json> studies;
  for (const auto& s : summary["studies"])
    studies[fs::path(s["path"].get<std::string>()).stem()] = s;
  ASSERT_EQ(studies.size(), 2u) << summary.dump(2);
  EXPECT_EQ(studies["narrow"]["status"], "done") << studies["narrow"].dump(2);
  EXPECT_EQ(studies["wide"]["status"], "failed");
  EXPECT_NE(studies["wide"].dump().find(reason), std::string::npos) << studies["wide"].dump(2);
  int results = 0;  // only the tracked study has a folder; nothing half-written for the other
  for (const auto& entry : fs::recursive_directory_iterator(dir / "out" / "studies"))
    results += entry.path().filename() == "result.json";
  EXPECT_EQ(results, 1);
}

INSTANTIATE_TEST_SUITE_P(FailingAndCrashing, PluginBatch,
                         ::testing::Values(std::pair{"fixture-failing", "fixture-failing"},
                                           std::pair{"fixture-crashing",
                                                     "worker killed by signal 11"}));

}  // namespace
}  // namespace dynamus
