// `dynamus info` as a user runs it: the JSON contract of DESIGN.md, one failing input not stopping
// the others, and the documented exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "realdata.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;
};

// Runs the CLI with stderr discarded and returns its exit code and stdout.
CommandRun run_dynamus(const std::string& arguments) {
  const std::string command =
      std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + arguments + " 2>/dev/null";
  CommandRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

TEST(InfoCommand, JsonHasTheResultInputKeysInInputOrderAndErrorsInPlace) {
  DYNAMUS_REQUIRE_REALDATA(loop, "dicom/us_mf_jpegbaseline_ybr422_34f_hp_regions.dcm");
  DYNAMUS_REQUIRE_REALDATA(broken, "odd/MR_truncated.dcm");
  const CommandRun run = run_dynamus("info --json " + quoted(loop) + " " + quoted(broken));
  EXPECT_EQ(run.exit_code, 1) << "some inputs failed, others done";
  const nlohmann::json array = nlohmann::json::parse(run.out);
  ASSERT_EQ(array.size(), 2u);

  const nlohmann::json& ok = array[0];
  for (const char* key :
       {"path", "sha256", "format", "frames", "width_px", "height_px", "spacing_mm", "calibration",
        "region_px", "fps", "duration_s", "warnings"}) {
    EXPECT_TRUE(ok.contains(key)) << key;
  }
  EXPECT_EQ(ok["format"], "dicom");
  EXPECT_EQ(ok["frames"], 34);
  EXPECT_EQ(ok["region_px"], nlohmann::json({42, 4, 438, 353}));
  EXPECT_NEAR(ok["spacing_mm"][0].get<double>(), 0.28571428571428568, 1e-12);
  EXPECT_NEAR(ok["spacing_mm"][1].get<double>(), 0.22857142857142856, 1e-12);
  EXPECT_EQ(ok["calibration"], "dicom-region");
  EXPECT_NEAR(ok["fps"].get<double>(), 1000.0 / 30.0, 1e-9);
  EXPECT_NEAR(ok["duration_s"].get<double>(), 34 * 0.030, 1e-9);
  EXPECT_EQ(ok["transfer_syntax_uid"], "1.2.840.10008.1.2.4.50");

  const nlohmann::json& failed = array[1];
  EXPECT_EQ(failed["path"], broken.string());
  EXPECT_EQ(failed["error"]["code"], 4);
  EXPECT_NE(failed["error"]["message"].get<std::string>().find("truncated"), std::string::npos);
}

TEST(InfoCommand, UncalibratedInputHasNullSpacingNeverOneMillimetre) {
  DYNAMUS_REQUIRE_REALDATA(path, "dicom/us_jpegbaseline_ybr422_atl.dcm");
  const CommandRun run = run_dynamus("info --json " + quoted(path));
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json input = nlohmann::json::parse(run.out)[0];
  EXPECT_TRUE(input["spacing_mm"].is_null());
  EXPECT_EQ(input["calibration"], "none");
  EXPECT_TRUE(input["fps"].is_null());
}

TEST(InfoCommand, ExitCodesFollowTheContract) {
  testing::TempDir dir;
  std::ofstream(dir / "notes.txt") << "plain text, no image";
  EXPECT_EQ(run_dynamus("info " + quoted(dir / "missing.dcm")).exit_code, 3);
  EXPECT_EQ(run_dynamus("info " + quoted(dir / "notes.txt")).exit_code, 3);
  EXPECT_EQ(run_dynamus("info").exit_code, 2) << "no input";
  EXPECT_EQ(run_dynamus("info --spacing -1 " + quoted(dir / "notes.txt")).exit_code, 2);
  EXPECT_EQ(run_dynamus("info --region 1,2,3 " + quoted(dir / "notes.txt")).exit_code, 2);
  EXPECT_EQ(run_dynamus("frobnicate").exit_code, 2);
  EXPECT_EQ(run_dynamus("--help").exit_code, 0);
  EXPECT_EQ(run_dynamus("info --help").exit_code, 0);
}

TEST(InfoCommand, OverridesOnTheCommandLineAreRecordedAsUser) {
  DYNAMUS_REQUIRE_REALDATA(path, "dicom/us_jpegbaseline_ybr422_atl.dcm");
  const CommandRun run =
      run_dynamus("info --json --spacing 0.2,0.25 --region 100,50,499,449 " + quoted(path));
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json input = nlohmann::json::parse(run.out)[0];
  EXPECT_EQ(input["calibration"], "user");
  EXPECT_EQ(input["spacing_mm"], nlohmann::json({0.2, 0.25}));
  EXPECT_EQ(input["region_px"], nlohmann::json({100, 50, 499, 449}));
  EXPECT_EQ(input["width_px"], 400);
}

// The bundled screen recording holds the phantom's 320x240 image at x 120-439, y 60-299 of the
// screen (dynamus simulate --screen says where); its sidecar gives 0.15 mm.
TEST(InfoCommand, ScreenRecordingIsCroppedToTheDetectedImageAndCalibratedBySidecar) {
  const std::string sample = std::string(DYNAMUS_SAMPLE_DIR) + "/retracting-tear.screen.mp4";
  const CommandRun run = run_dynamus("info --json '" + sample + "'");
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json input = nlohmann::json::parse(run.out)[0];
  EXPECT_EQ(input["format"], "video");
  EXPECT_EQ(input["region_source"], "detected");
  const std::vector<int> truth = {120, 60, 439, 299};
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_NEAR(input["region_px"][i].get<int>(), truth[i], 2) << "edge " << i;
  }
  EXPECT_EQ(input["calibration"], "sidecar");
  EXPECT_EQ(input["spacing_mm"], nlohmann::json({0.15, 0.15}));
  EXPECT_EQ(input["frames"], 40);
  EXPECT_NEAR(input["fps"].get<double>(), 20.0, 1e-6);
}

// A simulated loop written as DICOM loads back with exactly its spacing and frame times.
TEST(SimulateCommand, DicomLoadsBackWithExactSpacingAndFrameTimes) {
  testing::TempDir dir;
  const std::string prefix = (dir / "loop").string();
  ASSERT_EQ(run_dynamus("simulate --scenario full-tear --seed 5 --frames 12 --fps 25 "
                        "--size 200x160 --spacing 0.12 -o '" +
                        prefix + "'")
                .exit_code,
            0);
  const CommandRun info = run_dynamus("info --json '" + prefix + ".dcm'");
  ASSERT_EQ(info.exit_code, 0);
  const nlohmann::json input = nlohmann::json::parse(info.out)[0];
  EXPECT_EQ(input["calibration"], "dicom-region");
  EXPECT_NEAR(input["spacing_mm"][0].get<double>(), 0.12, 1e-12);
  EXPECT_NEAR(input["spacing_mm"][1].get<double>(), 0.12, 1e-12);
  EXPECT_EQ(input["frames"], 12);
  EXPECT_NEAR(input["fps"].get<double>(), 25.0, 1e-9);
  EXPECT_EQ(input["region_px"], nlohmann::json({0, 0, 199, 159}));

  std::ifstream truth_file(prefix + ".truth.json");
  const nlohmann::json truth = nlohmann::json::parse(truth_file);
  EXPECT_EQ(truth["schema"], "dynamus.truth/1");
  EXPECT_EQ(truth["frames"], 12);
  EXPECT_EQ(truth["contraction"]["level"].size(), 12u);
  EXPECT_TRUE(truth["tear"]["present"].get<bool>());

  // Same options, same bytes: the DICOM is deterministic (UIDs derived from the options).
  const std::string again = (dir / "again").string();
  ASSERT_EQ(run_dynamus("simulate --scenario full-tear --seed 5 --frames 12 --fps 25 "
                        "--size 200x160 --spacing 0.12 -o '" +
                        again + "'")
                .exit_code,
            0);
  std::ifstream a(prefix + ".dcm", std::ios::binary), b(again + ".dcm", std::ios::binary);
  EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b)));
}

TEST(SimulateCommand, BadOptionsAreUsageErrors) {
  testing::TempDir dir;
  const std::string out = " -o '" + (dir / "x").string() + "'";
  EXPECT_EQ(run_dynamus("simulate --scenario sprain" + out).exit_code, 2);
  EXPECT_EQ(run_dynamus("simulate --size 10by10" + out).exit_code, 2);
  EXPECT_EQ(run_dynamus("simulate --freq 99" + out).exit_code, 2);
  EXPECT_EQ(
      run_dynamus("simulate --frames 2 -o '" + (dir / "missing" / "x").string() + "'").exit_code, 3)
      << "an output folder that does not exist";
  EXPECT_FALSE(std::filesystem::exists(dir / "x.dcm"));
}

}  // namespace
}  // namespace dynamus
