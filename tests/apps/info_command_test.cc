// `dynamus info` as a user runs it: the JSON contract of DESIGN.md, one failing input not stopping
// the others, and the documented exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "realdata.h"
#include "run_dynamus.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

TEST(InfoCommand, JsonHasTheResultInputKeysInInputOrderAndErrorsInPlace) {
  DYNAMUS_REQUIRE_REALDATA(loop, "dicom/us_mf_jpegbaseline_ybr422_34f_hp_regions.dcm");
  DYNAMUS_REQUIRE_REALDATA(broken, "odd/MR_truncated.dcm");
  const CommandRun run =
      run_dynamus("info --json " + shell_quoted(loop) + " " + shell_quoted(broken));
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
  const CommandRun run = run_dynamus("info --json " + shell_quoted(path));
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json input = nlohmann::json::parse(run.out)[0];
  EXPECT_TRUE(input["spacing_mm"].is_null());
  EXPECT_EQ(input["calibration"], "none");
  EXPECT_TRUE(input["fps"].is_null());
}

TEST(InfoCommand, ExitCodesFollowTheContract) {
  testing::TempDir dir;
  std::ofstream(dir / "notes.txt") << "plain text, no image";
  EXPECT_EQ(run_dynamus("info " + shell_quoted(dir / "missing.dcm")).exit_code, 3);
  EXPECT_EQ(run_dynamus("info " + shell_quoted(dir / "notes.txt")).exit_code, 3);
  EXPECT_EQ(run_dynamus("info").exit_code, 2) << "no input";
  EXPECT_EQ(run_dynamus("info --spacing -1 " + shell_quoted(dir / "notes.txt")).exit_code, 2);
  EXPECT_EQ(run_dynamus("info --region 1,2,3 " + shell_quoted(dir / "notes.txt")).exit_code, 2);
  EXPECT_EQ(run_dynamus("frobnicate").exit_code, 2);
  EXPECT_EQ(run_dynamus("--help").exit_code, 0);
  EXPECT_EQ(run_dynamus("info --help").exit_code, 0);
}

TEST(InfoCommand, OverridesOnTheCommandLineAreRecordedAsUser) {
  DYNAMUS_REQUIRE_REALDATA(path, "dicom/us_jpegbaseline_ybr422_atl.dcm");
  const CommandRun run =
      run_dynamus("info --json --spacing 0.2,0.25 --region 100,50,499,449 " + shell_quoted(path));
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
  // H.264 macroblocks smear the image a few pixels into the chrome around it, so this lossy end-
  // to-end case allows 4 px; the uncompressed synthetic captures (auto_region_test) are held to 2.
  const std::vector<int> truth = {120, 60, 439, 299};
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_NEAR(input["region_px"][i].get<int>(), truth[i], 4) << "edge " << i;
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

// dynamus track on the bundled retracting tear: the CSV contracts of DESIGN.md, the phases'
// rest and peak frames against the scan's truth, points followed against the truth's seeds.
TEST(TrackCommand, PhasesAndTrajectoriesFollowTheContractAndTheTruth) {
  testing::TempDir dir;
  const std::string scan = std::string(DYNAMUS_SAMPLE_DIR) + "/retracting-tear";
  std::ifstream truth_file(scan + ".truth.json");
  const nlohmann::json truth = nlohmann::json::parse(truth_file);

  const std::string phases_csv = (dir / "phases.csv").string();
  ASSERT_EQ(run_dynamus("track '" + scan + ".dcm' --phases -o '" + phases_csv + "'").exit_code, 0);
  std::ifstream phases(phases_csv);
  std::string line;
  std::getline(phases, line);
  EXPECT_EQ(line, "frame,t_s,level,probe_dx_mm,probe_dy_mm")
      << "DESIGN.md's columns first, then the probe's own translation";
  std::vector<double> level;
  while (std::getline(phases, line)) {
    std::istringstream fields(line);
    std::string frame, t_s, value, probe_dx, probe_dy;
    std::getline(fields, frame, ',');
    std::getline(fields, t_s, ',');
    std::getline(fields, value, ',');
    std::getline(fields, probe_dx, ',');
    std::getline(fields, probe_dy, ',');
    level.push_back(std::stod(value));
    // The bundled scan has no jitter: the probe stands still (to a fifth of its 0.15 mm pixels).
    EXPECT_LT(std::abs(std::stod(probe_dx)), 0.03) << line;
    EXPECT_LT(std::abs(std::stod(probe_dy)), 0.03) << line;
  }
  ASSERT_EQ(level.size(), 40u);
  const auto peak = std::max_element(level.begin(), level.end()) - level.begin();
  EXPECT_NEAR(double(peak), truth["contraction"]["peak_frame"].get<double>(), 4.0)
      << "the level holds its peak over the hold phase";
  EXPECT_LT(level[std::size_t(truth["contraction"]["rest_frame"].get<int>())], 0.05);

  // Two of the truth's seed points, followed through the loop.
  const auto& seeds = truth["seeds"]["trajectories_mm"];
  const std::string points_csv = (dir / "points.csv").string();
  std::ofstream(points_csv) << "x_mm,y_mm\n"
                            << seeds[0][0][0].get<double>() << "," << seeds[0][0][1].get<double>()
                            << "\n"
                            << seeds[5][0][0].get<double>() << "," << seeds[5][0][1].get<double>()
                            << "\n";
  const CommandRun run = run_dynamus("track '" + scan + ".dcm' --points '" + points_csv + "'");
  ASSERT_EQ(run.exit_code, 0);
  std::istringstream csv(run.out);
  std::getline(csv, line);
  EXPECT_EQ(line, "point,frame,t_s,x_mm,y_mm,quality");
  int rows = 0;
  double worst_mm = 0.0;
  while (std::getline(csv, line)) {
    int point = 0, frame = 0;
    double t_s = 0, x = 0, y = 0, quality = 0;
    ASSERT_EQ(
        std::sscanf(line.c_str(), "%d,%d,%lf,%lf,%lf,%lf", &point, &frame, &t_s, &x, &y, &quality),
        6)
        << line;
    const auto& expected = seeds[point == 0 ? 0 : 5][frame];
    worst_mm = std::max(worst_mm,
                        std::hypot(x - expected[0].get<double>(), y - expected[1].get<double>()));
    EXPECT_NEAR(t_s, frame / 20.0, 1e-6);
    ++rows;
  }
  EXPECT_EQ(rows, 80);
  EXPECT_LT(worst_mm, 0.3);
}

TEST(TrackCommand, MissingModeBadPointsAndUnknownTrackerAreErrors) {
  testing::TempDir dir;
  const std::string scan = "'" + std::string(DYNAMUS_SAMPLE_DIR) + "/healthy.dcm'";
  std::ofstream(dir / "bad.csv") << "x_mm,y_mm\n1;2\n";
  EXPECT_EQ(run_dynamus("track " + scan).exit_code, 2);
  EXPECT_EQ(run_dynamus("track " + scan + " --phases --tracker magic").exit_code, 2);
  EXPECT_EQ(
      run_dynamus("track " + scan + " --points '" + (dir / "bad.csv").string() + "'").exit_code, 4);
  EXPECT_EQ(
      run_dynamus("track " + scan + " --points '" + (dir / "none.csv").string() + "'").exit_code,
      3);
}

}  // namespace
}  // namespace dynamus
