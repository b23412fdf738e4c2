// `--anonymize` (issue 9, item 5): a DICOM loop of a synthetic patient whose name and ID are in
// the header, in the file name and burned into a banner above the calibrated region. Every output
// of `analyze --anonymize` and of `batch --anonymize` (all bytes, the PDF as text, the SQLite
// ledger and its journal) is searched for the identifiers; none may be found, while the same runs
// without --anonymize do show them (so the search can fail). The exported frames must show only
// the calibrated region: the PNG's image is the region enlarged, pixel for pixel, and the MP4 and
// the Secondary Capture have the PNG's size.
#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "dynamus/imaging/load.h"
#include "run_dynamus.h"
#include "synthetic_patient.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

namespace fs = std::filesystem;
using testing::kBannerPx;
using testing::kPatientFamily;
using testing::kPatientIdentifiers;
using testing::patient_identifiers_in;
using testing::searchable;
using testing::SyntheticPatient;
using testing::upper;

bool any_in(const std::vector<std::string>& found, const std::string& file) {
  return std::any_of(found.begin(), found.end(),
                     [&](const std::string& f) { return f.starts_with(file + ":"); });
}

// The simulator's full tear, 12 frames of 320 x 240, as the synthetic patient's DICOM file.
std::optional<SyntheticPatient> make_patient(const fs::path& dir) {
  EXPECT_EQ(run_dynamus("simulate --scenario full-tear --seed 3 --frames 12 --size 320x240 -o " +
                        shell_quoted(dir / "sim"))
                .exit_code,
            0);
  Result<imaging::CineLoop> simulated = imaging::load(dir / "sim.dcm");
  EXPECT_TRUE(simulated.ok()) << simulated.status().to_string();
  if (!simulated.ok()) return std::nullopt;
  return testing::write_synthetic_patient(dir, *simulated);
}

// The rendered frame's image part is the region enlarged by nearest neighbour: of the grey pixels
// (the overlay is coloured), nearly all equal the region pixel they enlarge. A banner row in the
// export would shift every row and fail this.
void expect_only_the_region(const fs::path& png, const imaging::CineLoop& region, int frame) {
  const cv::Mat image = cv::imread(png.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty()) << png;
  ASSERT_EQ(image.cols % region.width_px(), 0) << png << ": width " << image.cols;
  const int scale = image.cols / region.width_px();
  ASSERT_GT(image.rows, scale * region.height_px()) << "the image, then the caption below";
  const auto pixels = region.frame(frame);
  int grey = 0, same = 0;
  for (int y = 0; y < region.height_px(); y += 3) {
    for (int x = 0; x < region.width_px(); x += 3) {
      const cv::Vec3b p = image.at<cv::Vec3b>(y * scale + scale / 2, x * scale + scale / 2);
      if (p[0] != p[1] || p[1] != p[2]) continue;
      ++grey;
      same += p[0] == pixels[std::size_t(y) * region.width_px() + x];
    }
  }
  ASSERT_GT(grey, 1000);
  EXPECT_GE(same, grey * 95 / 100) << png << ": " << same << " of " << grey << " grey pixels";
}

TEST(Anonymize, AnalyzeLeavesNoIdentifierInAnyOutputAndExportsOnlyTheRegion) {
  testing::TempDir dir;
  const std::optional<SyntheticPatient> made = make_patient(dir.path());
  ASSERT_TRUE(made);
  const SyntheticPatient& patient = *made;
  ASSERT_EQ(patient.region.height_px(), 240) << "the banner is outside the calibrated region";
  const std::string analyze = "analyze " + shell_quoted(patient.dicom) + " --report --dicom -o ";

  const CommandRun plain = run_dynamus(analyze + shell_quoted(dir / "plain"));
  ASSERT_EQ(plain.exit_code, 0);
  const std::vector<std::string> shown = patient_identifiers_in(dir / "plain");
  for (const char* file : {"result.json", "report.html", "dicom/sc.dcm", "dicom/sr.dcm"})
    EXPECT_TRUE(any_in(shown, file)) << file << " names the patient without --anonymize";
  if (testing::have_tool("pdftotext")) {
    EXPECT_TRUE(any_in(shown, "report.pdf"));
  }
  EXPECT_NE(upper(plain.out).find(kPatientFamily), std::string::npos)
      << "the findings name the file";

  const CommandRun anonymous = run_dynamus(analyze + shell_quoted(dir / "anon") + " --anonymize");
  ASSERT_EQ(anonymous.exit_code, 0);
  for (const std::string& found : patient_identifiers_in(dir / "anon")) ADD_FAILURE() << found;
  for (const char* identifier : kPatientIdentifiers)
    EXPECT_EQ(upper(anonymous.out).find(identifier), std::string::npos)
        << "findings: " << identifier;

  std::ifstream result_file(dir / "anon" / "result.json");
  const nlohmann::json input = nlohmann::json::parse(result_file)["input"];
  EXPECT_TRUE(input["path"].get<std::string>().starts_with("ANON-"));
  EXPECT_TRUE(input["study_uid"].get<std::string>().starts_with("2.25."));
  EXPECT_EQ(input["anonymized"], true);
  EXPECT_EQ(input["region_px"], nlohmann::json({0, kBannerPx, 319, kBannerPx + 239}));

  // Frames: the key frames hold only the region, the MP4 and the SC frames have their size.
  std::ifstream plain_result(dir / "plain" / "result.json");
  const nlohmann::json contraction = nlohmann::json::parse(plain_result)["contraction"];
  expect_only_the_region(dir / "anon" / "rest.png", patient.region,
                         contraction["rest_frame"].get<int>());
  expect_only_the_region(dir / "anon" / "peak.png", patient.region,
                         contraction["peak_frame"].get<int>());
  const cv::Mat rest = cv::imread((dir / "anon" / "rest.png").string());
  cv::VideoCapture video((dir / "anon" / "loop.mp4").string());
  ASSERT_TRUE(video.isOpened());
  EXPECT_EQ(int(video.get(cv::CAP_PROP_FRAME_WIDTH)), rest.cols + rest.cols % 2);
  EXPECT_EQ(int(video.get(cv::CAP_PROP_FRAME_HEIGHT)), rest.rows + rest.rows % 2);
  DcmFileFormat sc;
  ASSERT_TRUE(sc.loadFile((dir / "anon" / "dicom" / "sc.dcm").c_str()).good());
  Uint16 rows = 0, columns = 0;
  ASSERT_TRUE(sc.getDataset()->findAndGetUint16(DCM_Rows, rows).good());
  ASSERT_TRUE(sc.getDataset()->findAndGetUint16(DCM_Columns, columns).good());
  EXPECT_EQ(int(rows), rest.rows);
  EXPECT_EQ(int(columns), rest.cols);
}

TEST(Anonymize, BatchLeavesNoIdentifierInTheLedgerSummaryOrStudyFolders) {
  testing::TempDir dir;
  const std::optional<SyntheticPatient> made = make_patient(dir.path());
  ASSERT_TRUE(made);
  const SyntheticPatient& patient = *made;
  // A corrupt copy, whose error message would quote its file name.
  const fs::path truncated = patient.dicom.parent_path() / (std::string(kPatientFamily) + "_" +
                                                            testing::kPatientGiven + "_copy.dcm");
  {
    std::ifstream in(patient.dicom, std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(in), {});
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  const std::string batch = "batch " + shell_quoted(patient.dicom.parent_path()) +
                            " --jobs 2 --analyze-arg=--report --analyze-arg=--dicom -o ";
  ASSERT_EQ(run_dynamus(batch + shell_quoted(dir / "plain")).exit_code, 1) << "one study failed";
  const std::vector<std::string> shown = patient_identifiers_in(dir / "plain");
  for (const char* file : {"summary.csv", "summary.json"})
    EXPECT_TRUE(any_in(shown, file)) << file << " names the input without --anonymize";

  const std::string log = (dir / "anon.log").string();
  ASSERT_EQ(testing::run_command(std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + batch +
                                 shell_quoted(dir / "anon") + " --anonymize 2>" + log)
                .exit_code,
            1);
  for (const std::string& found : patient_identifiers_in(dir / "anon")) ADD_FAILURE() << found;
  EXPECT_EQ(searchable(log).find(kPatientFamily), std::string::npos) << "the batch's log";
  std::ifstream summary_file(dir / "anon" / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  ASSERT_EQ(summary["studies"].size(), 2u);
  for (const nlohmann::json& study : summary["studies"])
    EXPECT_TRUE(study["path"].get<std::string>().starts_with("ANON-")) << study.dump();
  EXPECT_EQ(summary["studies"][1]["status"], "failed");
  EXPECT_FALSE(summary["studies"][1]["error"]["message"].get<std::string>().empty());

  // Adding to a folder that names inputs by path would mix identifiable rows in: refused.
  EXPECT_EQ(run_dynamus(batch + shell_quoted(dir / "plain") + " --anonymize").exit_code, 3);
}

}  // namespace
}  // namespace dynamus
