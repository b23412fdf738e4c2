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
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/write.h"
#include "run_dynamus.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

namespace fs = std::filesystem;

constexpr int kBannerPx = 40;
// What must not leave: the patient's name (family and given), ID, birth date, the accession
// number and the institution; the source's Study Instance UID.
const char* const kFamily = "QUIXOTE";
const char* const kGiven = "MARGARITA";
const char* const kPatientId = "PID90210ZX";
const char* const kIdentifiers[] = {kFamily,
                                    kGiven,
                                    kPatientId,
                                    "19580317",
                                    "ACC554433",
                                    "ELSEWHERE",
                                    "1.2.826.0.1.3680043.9.7777.1"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::toupper(c)); });
  return text;
}

// The file as searchable text: the PDF through pdftotext (its text streams are compressed),
// anything else as its bytes; upper case, since a report may spell the name differently.
std::string searchable(const fs::path& file) {
  if (file.extension() == ".pdf") {
    return upper(testing::run_command("pdftotext " + shell_quoted(file) + " -").out);
  }
  std::ifstream stream(file, std::ios::binary);
  return upper(std::string(std::istreambuf_iterator<char>(stream), {}));
}

// Every identifier found in any file under `dir`, as "file: identifier".
std::vector<std::string> identifiers_in(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string text = searchable(entry.path());
    for (const char* identifier : kIdentifiers) {
      if (text.find(identifier) != std::string::npos)
        found.push_back(fs::relative(entry.path(), dir).string() + ": " + identifier);
    }
  }
  return found;
}

bool any_in(const std::vector<std::string>& found, const std::string& file) {
  return std::any_of(found.begin(), found.end(),
                     [&](const std::string& f) { return f.starts_with(file + ":"); });
}

void set(DcmItem& item, const DcmTagKey& key, const char* value) {
  ASSERT_TRUE(item.putAndInsertString(key, value).good());
}

// The simulator's loop under a banner of burned-in patient text, as the DICOM file of a scanner
// that calibrates only the image below the banner: `dir`/QUIXOTE_MARGARITA.dcm.
struct Patient {
  fs::path dicom;
  imaging::CineLoop region;  // the loop as loaded, i.e. cropped to the calibrated region
};

Patient make_patient(const fs::path& dir) {
  EXPECT_EQ(run_dynamus("simulate --scenario full-tear --seed 3 --frames 12 --size 320x240 -o " +
                        shell_quoted(dir / "sim"))
                .exit_code,
            0);
  Result<imaging::CineLoop> simulated = imaging::load(dir / "sim.dcm");
  EXPECT_TRUE(simulated.ok()) << simulated.status().to_string();
  const imaging::CineLoop& loop = *simulated;
  imaging::CineLoop::Parts parts;
  parts.width_px = loop.width_px();
  parts.height_px = loop.height_px() + kBannerPx;
  parts.frame_count = loop.frame_count();
  parts.timing = loop.timing();
  parts.calibration = loop.calibration();
  parts.region_px = {0, 0, parts.width_px - 1, parts.height_px - 1};
  parts.source.width_px = parts.width_px;
  parts.source.height_px = parts.height_px;
  const std::string banner =
      std::string(kFamily) + " " + kGiven + "  " + kPatientId + "  17.03.1958";
  for (int f = 0; f < loop.frame_count(); ++f) {
    cv::Mat frame(parts.height_px, parts.width_px, CV_8UC1, cv::Scalar(0));
    cv::putText(frame, banner, {4, 26}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(255), 1);
    const cv::Mat image(loop.height_px(), loop.width_px(), CV_8UC1,
                        const_cast<std::uint8_t*>(loop.frame(f).data()));
    image.copyTo(frame(cv::Rect(0, kBannerPx, loop.width_px(), loop.height_px())));
    parts.pixels.insert(parts.pixels.end(), frame.datastart, frame.dataend);
  }
  Result<imaging::CineLoop> bannered = imaging::CineLoop::create(std::move(parts));
  EXPECT_TRUE(bannered.ok()) << bannered.status().to_string();
  const fs::path written = dir / "written.dcm";
  imaging::DicomCineIdentity identity;
  identity.patient_name = std::string(kFamily) + "^" + kGiven;
  identity.patient_id = kPatientId;
  identity.study_uid = kIdentifiers[6];
  identity.uid_seed = "anonymize-test";
  identity.institution = "St Elsewhere Hospital";
  EXPECT_TRUE(imaging::write_dicom(*bannered, identity, written).ok());

  // The scanner's calibrated region starts below the banner; the rest of the patient's header.
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(written.c_str()).good());
  DcmDataset& data = *file.getDataset();
  DcmItem* region = nullptr;
  EXPECT_TRUE(data.findAndGetSequenceItem(DCM_SequenceOfUltrasoundRegions, region, 0).good());
  if (region != nullptr) {
    EXPECT_TRUE(region->putAndInsertUint32(DCM_RegionLocationMinY0, kBannerPx).good());
  }
  set(data, DCM_PatientBirthDate, "19580317");
  set(data, DCM_AccessionNumber, "ACC554433");
  set(data, DCM_StudyDate, "20261130");
  set(data, DCM_ReferringPhysicianName, "ELSEWHERE^DOCTOR");
  const fs::path dicom = dir / "in" / (std::string(kFamily) + "_" + kGiven + ".dcm");
  fs::create_directories(dicom.parent_path());
  EXPECT_TRUE(file.saveFile(dicom.c_str(), EXS_LittleEndianExplicit).good());
  Result<imaging::CineLoop> cropped = imaging::load(dicom);
  EXPECT_TRUE(cropped.ok()) << cropped.status().to_string();
  return {dicom, *cropped};
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
  const Patient patient = make_patient(dir.path());
  ASSERT_EQ(patient.region.height_px(), 240) << "the banner is outside the calibrated region";
  const std::string analyze = "analyze " + shell_quoted(patient.dicom) + " --report --dicom -o ";

  const CommandRun plain = run_dynamus(analyze + shell_quoted(dir / "plain"));
  ASSERT_EQ(plain.exit_code, 0);
  const std::vector<std::string> shown = identifiers_in(dir / "plain");
  for (const char* file : {"result.json", "report.html", "dicom/sc.dcm", "dicom/sr.dcm"})
    EXPECT_TRUE(any_in(shown, file)) << file << " names the patient without --anonymize";
  if (testing::have_tool("pdftotext")) {
    EXPECT_TRUE(any_in(shown, "report.pdf"));
  }
  EXPECT_NE(upper(plain.out).find(kFamily), std::string::npos) << "the findings name the file";

  const CommandRun anonymous = run_dynamus(analyze + shell_quoted(dir / "anon") + " --anonymize");
  ASSERT_EQ(anonymous.exit_code, 0);
  for (const std::string& found : identifiers_in(dir / "anon")) ADD_FAILURE() << found;
  for (const char* identifier : kIdentifiers)
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
  const Patient patient = make_patient(dir.path());
  // A corrupt copy, whose error message would quote its file name.
  const fs::path truncated =
      patient.dicom.parent_path() / (std::string(kFamily) + "_" + kGiven + "_copy.dcm");
  {
    std::ifstream in(patient.dicom, std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(in), {});
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  const std::string batch = "batch " + shell_quoted(patient.dicom.parent_path()) +
                            " --jobs 2 --analyze-arg=--report --analyze-arg=--dicom -o ";
  ASSERT_EQ(run_dynamus(batch + shell_quoted(dir / "plain")).exit_code, 1) << "one study failed";
  const std::vector<std::string> shown = identifiers_in(dir / "plain");
  for (const char* file : {"summary.csv", "summary.json"})
    EXPECT_TRUE(any_in(shown, file)) << file << " names the input without --anonymize";

  const std::string log = (dir / "anon.log").string();
  ASSERT_EQ(testing::run_command(std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus " + batch +
                                 shell_quoted(dir / "anon") + " --anonymize 2>" + log)
                .exit_code,
            1);
  for (const std::string& found : identifiers_in(dir / "anon")) ADD_FAILURE() << found;
  EXPECT_EQ(searchable(log).find(kFamily), std::string::npos) << "the batch's log";
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
