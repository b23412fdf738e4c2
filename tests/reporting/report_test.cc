// The study report and the DICOM results of an analysed phantom study with a synthetic patient:
// the HTML embeds everything and lists the measurements, the PDF has its pages and text, the MP4
// every frame, the SC and SR pass dciodvfy and the SR carries the measured values; anonymised,
// no output names the patient.
#include "dynamus/reporting/report.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <opencv2/videoio.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/write.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/reporting/analysis_folder.h"
#include "dynamus/reporting/dicom_results.h"
#include "run_command.h"
#include "temp_dir.h"

namespace dynamus::reporting {
namespace {

namespace fs = std::filesystem;
using testing::have_tool;
using testing::run_command;

constexpr const char* kPatientName = "TESTPATIENT^ANNA";
constexpr const char* kPatientId = "PID-4711-XY";
constexpr const char* kPatientShown = "TESTPATIENT, ANNA";  // as the report writes it
constexpr int kFrames = 20;
constexpr double kValueToleranceMm = 0.01;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string dicom_string(const fs::path& path, const DcmTagKey& key) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good()) << path;
  OFString value;
  file.getDataset()->findAndGetOFString(key, value);
  return value.c_str();
}

// One phantom study, written as DICOM with a synthetic patient, loaded and analysed once; its
// analysis folder written plain and anonymised.
class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("dynamus_report_test_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    phantom::PhantomParams params;
    params.scenario = phantom::Scenario::kRetractingTear;
    params.seed = 5;
    params.frames = kFrames;
    // The bundled scans' size: each test runs in its own process, so this runs once per test.
    params.width_px = 320;
    params.height_px = 240;
    params.spacing_mm = 0.15;
    Result<phantom::PhantomLoop> phantom = phantom::simulate(params);
    ASSERT_TRUE(phantom.ok()) << phantom.status().to_string();
    imaging::DicomCineIdentity identity;
    identity.patient_name = kPatientName;
    identity.patient_id = kPatientId;
    identity.uid_seed = "report-test";
    identity.study_description = "report test";
    ASSERT_TRUE(imaging::write_dicom(phantom->loop, identity, *dir_ / "study.dcm").ok());
    Result<imaging::CineLoop> loop = imaging::load((*dir_ / "study.dcm").string());
    ASSERT_TRUE(loop.ok()) << loop.status().to_string();
    loop_ = new imaging::CineLoop(*loop);
    Result<segmentation::Analysis> analysis = segmentation::analyze(*loop_);
    ASSERT_TRUE(analysis.ok()) << analysis.status().to_string();
    analysis_ = new segmentation::Analysis(*analysis);
    ASSERT_TRUE(analysis_->tear.suspected) << "the retracting tear is the study reported on";
    for (const auto& [name, anonymize] : {std::pair{"plain", false}, std::pair{"anon", true}}) {
      const Status written =
          write_analysis_folder(*dir_ / name, *loop_, {}, *analysis_,
                                {.report = true, .dicom = true, .anonymize = anonymize});
      ASSERT_TRUE(written.ok()) << written.to_string();
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete loop_;
    delete analysis_;
  }

  static fs::path* dir_;
  static imaging::CineLoop* loop_;
  static segmentation::Analysis* analysis_;
};

fs::path* ReportTest::dir_ = nullptr;
imaging::CineLoop* ReportTest::loop_ = nullptr;
segmentation::Analysis* ReportTest::analysis_ = nullptr;

TEST_F(ReportTest, HtmlIsSelfContainedAndListsTheMeasurementsWithUnits) {
  const std::string html = read_file(*dir_ / "plain" / "report.html");
  // Rest and peak frames and the three plots, all embedded.
  std::size_t images = 0;
  for (std::size_t at = html.find("src=\"data:image/png;base64,"); at != std::string::npos;
       at = html.find("src=\"data:image/png;base64,", at + 1)) {
    ++images;
  }
  EXPECT_EQ(images, 5u);
  for (const char* external : {"http:", "https:", "<link", "<script", "src=\"/", "url("}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  const segmentation::Tear& tear = analysis_->tear;
  for (const auto& [label, value, unit] :
       {std::tuple{"Tear gap at rest", *tear.gap_rest_mm, "mm"},
        std::tuple{"Tear gap at peak contraction", *tear.gap_peak_mm, "mm"},
        std::tuple{"Gap increase with contraction", *tear.separation_increase_mm, "mm"},
        std::tuple{"Tendon thickness (median)", *analysis_->tendon_thickness.median_mm, "mm"}}) {
    const std::string row =
        fmt::format("<td>{}</td><td class=\"value\">{:.1f}</td><td>{}</td>", label, value, unit);
    EXPECT_NE(html.find(row), std::string::npos) << row;
  }
  EXPECT_NE(html.find(fmt::format("<td>Tear score</td><td class=\"value\">{:.2f}</td><td>1</td>",
                                  tear.score)),
            std::string::npos);
  EXPECT_NE(html.find(kPatientShown), std::string::npos);
  EXPECT_NE(html.find("Parameter hash"), std::string::npos);
}

TEST_F(ReportTest, PdfHasItsPagesAndTheMeasurementText) {
  if (!have_tool("pdftotext") || !have_tool("pdfinfo")) {
    GTEST_SKIP() << "pdftotext/pdfinfo (poppler-utils) not installed";
  }
  const fs::path pdf = *dir_ / "plain" / "report.pdf";
  const std::string info = run_command("pdfinfo " + quoted(pdf)).out;
  EXPECT_TRUE(std::regex_search(info, std::regex("Pages:\\s+3\\n"))) << info;
  EXPECT_TRUE(std::regex_search(info, std::regex("Page size:\\s+595.28 x 841.89")))
      << "A4: " << info;
  const testing::CommandRun text = run_command("pdftotext -layout " + quoted(pdf) + " -");
  ASSERT_EQ(text.exit_code, 0);
  const segmentation::Tear& tear = analysis_->tear;
  // -layout keeps a table row on one line: label, value and unit.
  for (const auto& [label, value] :
       {std::pair{"Tear gap at rest", *tear.gap_rest_mm},
        std::pair{"Tear gap at peak contraction", *tear.gap_peak_mm},
        std::pair{"Gap increase with contraction", *tear.separation_increase_mm}}) {
    EXPECT_TRUE(
        std::regex_search(text.out, std::regex(fmt::format("{}\\s+{:.1f}\\s+mm", label, value))))
        << label;
  }
  for (const char* expected : {kPatientShown, "Key frames", "Measurements", "Over the loop",
                               "time (s)", "Provenance", "Parameter hash", "dicom-region"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected;
  }
}

TEST_F(ReportTest, Mp4HasEveryFrameOfTheLoopAtTheSizeOfTheAnnotatedFrames) {
  cv::VideoCapture video((*dir_ / "plain" / "loop.mp4").string(), cv::CAP_FFMPEG);
  ASSERT_TRUE(video.isOpened());
  int frames = 0;
  cv::Mat frame;
  while (video.read(frame)) ++frames;
  EXPECT_EQ(frames, kFrames);
  const RgbImage rest = render_annotated_frame(
      *loop_, overlay::frame_overlay(*loop_, *analysis_, analysis_->phases.rest_frame));
  EXPECT_EQ(int(video.get(cv::CAP_PROP_FRAME_WIDTH)), rest.width_px + rest.width_px % 2);
  EXPECT_EQ(int(video.get(cv::CAP_PROP_FRAME_HEIGHT)), rest.height_px + rest.height_px % 2);
}

// dciodvfy's error lines ("Error - ..."); warnings are listed in docs/reports.md.
std::vector<std::string> dciodvfy_errors(const fs::path& path) {
  const std::string out = run_command("dciodvfy " + quoted(path) + " 2>&1").out;
  std::vector<std::string> errors;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Error", 0) == 0) errors.push_back(line);
  }
  EXPECT_FALSE(out.empty());
  return errors;
}

TEST_F(ReportTest, SecondaryCaptureAndStructuredReportPassDciodvfy) {
  if (!have_tool("dciodvfy")) GTEST_SKIP() << "dciodvfy (dicom3tools) not installed";
  for (const char* folder : {"plain", "anon"}) {
    for (const char* file : {"sc.dcm", "sr.dcm"}) {
      const fs::path path = *dir_ / folder / "dicom" / file;
      ASSERT_TRUE(fs::exists(path)) << path;
      EXPECT_EQ(dciodvfy_errors(path), std::vector<std::string>{}) << path;
    }
  }
}

struct SrNumber {
  double value;
  std::string unit;
  std::string image;  // the Source of Measurement line below it
};

// NUM content items as dsrdump prints them: <... NUM:(,,"meaning")="value" (unit,UCUM,"...")>
// followed by the image it was inferred from.
std::map<std::string, SrNumber> sr_numbers(const fs::path& path) {
  const testing::CommandRun dump = run_command("dsrdump " + quoted(path));
  EXPECT_EQ(dump.exit_code, 0) << "dsrdump must parse the SR";
  std::map<std::string, SrNumber> numbers;
  const std::regex num(R"re(NUM:\(,,"([^"]+)"\)="([-0-9.]+)" \(([^,]+),UCUM)re");
  std::istringstream lines(dump.out);
  std::string line, next;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, num)) continue;
    std::getline(lines, next);
    numbers[m[1]] = {std::stod(m[2]), m[3], next};
  }
  return numbers;
}

TEST_F(ReportTest, StructuredReportCarriesTheMeasuredValuesAndTheFramesTheyCameFrom) {
  if (!have_tool("dsrdump")) GTEST_SKIP() << "dsrdump (dcmtk) not installed";
  const std::map<std::string, SrNumber> sr = sr_numbers(*dir_ / "plain" / "dicom" / "sr.dcm");
  const segmentation::Tear& tear = analysis_->tear;
  const segmentation::TendonThickness& thickness = analysis_->tendon_thickness;
  const int rest = analysis_->phases.rest_frame + 1, peak = analysis_->phases.peak_frame + 1;
  for (const auto& [meaning, expected, unit] :
       {std::tuple{"Tendon tear gap at rest", *tear.gap_rest_mm, "mm"},
        std::tuple{"Tendon tear gap at peak contraction", *tear.gap_peak_mm, "mm"},
        std::tuple{"Tendon tear gap increase with contraction", *tear.separation_increase_mm, "mm"},
        std::tuple{"Tendon thickness, median", *thickness.median_mm, "mm"},
        std::tuple{"Tendon thickness, maximum", *thickness.max_mm, "mm"},
        std::tuple{"Tendon tear score", tear.score, "1"}}) {
    ASSERT_EQ(sr.count(meaning), 1u) << meaning;
    EXPECT_NEAR(sr.at(meaning).value, expected, kValueToleranceMm) << meaning;
    EXPECT_EQ(sr.at(meaning).unit, unit) << meaning;
    EXPECT_NE(sr.at(meaning).image.find("Source of Measurement"), std::string::npos) << meaning;
  }
  // The source instance (its US multi-frame image) and the frame each key-frame value is from.
  EXPECT_NE(sr.at("Tendon tear gap at rest").image.find(fmt::format("(USm image,,{})", rest)),
            std::string::npos)
      << sr.at("Tendon tear gap at rest").image;
  EXPECT_NE(sr.at("Tendon tear gap at peak contraction").image.find(fmt::format(",,{})", peak)),
            std::string::npos);
  EXPECT_EQ(sr.count("Focal tendon thickening, thickness"), thickness.thickening.present ? 1u : 0u)
      << "values not measured are left out";
}

TEST_F(ReportTest, ResultsGoIntoTheSourceStudyInNewSeries) {
  const fs::path source = *dir_ / "study.dcm";
  const fs::path sc = *dir_ / "plain" / "dicom" / "sc.dcm";
  const fs::path sr = *dir_ / "plain" / "dicom" / "sr.dcm";
  const std::string study = dicom_string(source, DCM_StudyInstanceUID);
  ASSERT_FALSE(study.empty());
  EXPECT_EQ(dicom_string(sc, DCM_StudyInstanceUID), study);
  EXPECT_EQ(dicom_string(sr, DCM_StudyInstanceUID), study);
  const std::string series = dicom_string(source, DCM_SeriesInstanceUID);
  EXPECT_NE(dicom_string(sc, DCM_SeriesInstanceUID), series);
  EXPECT_NE(dicom_string(sr, DCM_SeriesInstanceUID), series);
  EXPECT_NE(dicom_string(sc, DCM_SeriesInstanceUID), dicom_string(sr, DCM_SeriesInstanceUID));
  EXPECT_EQ(dicom_string(sc, DCM_SOPInstanceUID).rfind("1.2.276.0.7230010.3.", 0), 0u)
      << "DCMTK's UID root";
  for (const fs::path& result : {sc, sr}) {
    EXPECT_EQ(dicom_string(result, DCM_PatientName), kPatientName);
    EXPECT_EQ(dicom_string(result, DCM_PatientID), kPatientId);
  }
  EXPECT_EQ(dicom_string(sc, DCM_SOPClassUID), UID_MultiframeTrueColorSecondaryCaptureImageStorage);
  EXPECT_EQ(dicom_string(sc, DCM_NumberOfFrames), "2");
  EXPECT_EQ(dicom_string(sr, DCM_SOPClassUID), UID_EnhancedSRStorage);
  // The SR's evidence names the source instance and the SC.
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(sr.c_str()).good());
  DcmItem* study_item = nullptr;
  ASSERT_TRUE(
      file.getDataset()
          ->findAndGetSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, study_item, 0)
          .good());
  std::set<std::string> referenced;
  DcmSequenceOfItems* series_items = nullptr;
  ASSERT_TRUE(study_item->findAndGetSequence(DCM_ReferencedSeriesSequence, series_items).good());
  for (unsigned long i = 0; i < series_items->card(); ++i) {
    DcmSequenceOfItems* sops = nullptr;
    ASSERT_TRUE(
        series_items->getItem(i)->findAndGetSequence(DCM_ReferencedSOPSequence, sops).good());
    for (unsigned long j = 0; j < sops->card(); ++j) {
      OFString uid;
      sops->getItem(j)->findAndGetOFString(DCM_ReferencedSOPInstanceUID, uid);
      referenced.insert(uid.c_str());
    }
  }
  EXPECT_EQ(referenced, (std::set<std::string>{dicom_string(source, DCM_SOPInstanceUID),
                                               dicom_string(sc, DCM_SOPInstanceUID)}));
}

TEST_F(ReportTest, AnonymisedOutputsNameNoPatientAndStartANewStudy) {
  const fs::path anon = *dir_ / "anon";
  int checked = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(anon)) {
    if (!entry.is_regular_file()) continue;
    std::string content = read_file(entry.path());
    if (entry.path().extension() == ".pdf") {
      if (!have_tool("pdftotext")) continue;
      content = run_command("pdftotext " + quoted(entry.path()) + " -").out;
    }
    for (const char* identifying : {"TESTPATIENT", "ANNA", "PID-4711", "report test"}) {
      EXPECT_EQ(content.find(identifying), std::string::npos)
          << identifying << " in " << entry.path();
    }
    ++checked;
  }
  EXPECT_EQ(checked, 9) << "rest.png, peak.png, frames.csv, result.json, report.html, report.pdf, "
                           "loop.mp4, sc.dcm, sr.dcm";
  const std::string html = read_file(anon / "report.html");
  EXPECT_NE(html.find(pseudonym(*loop_)), std::string::npos);
  const std::string study = dicom_string(*dir_ / "study.dcm", DCM_StudyInstanceUID);
  const fs::path sr = anon / "dicom" / "sr.dcm";
  EXPECT_NE(dicom_string(sr, DCM_StudyInstanceUID), study);
  EXPECT_EQ(dicom_string(sr, DCM_PatientID), pseudonym(*loop_));
  EXPECT_EQ(dicom_string(sr, DCM_PatientBirthDate), "");
  EXPECT_EQ(dicom_string(anon / "dicom" / "sc.dcm", DCM_StudyInstanceUID),
            dicom_string(sr, DCM_StudyInstanceUID));
}

// A Latin-1 header (as from many scanners) reaches the report as UTF-8, names as people write
// them; bytes no character set explains become '?', so cairo and HTML can show the rest.
TEST_F(ReportTest, StudyHeaderIsReadableUtf8FromALatin1Source) {
  const fs::path latin1 = *dir_ / "latin1.dcm";
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile((*dir_ / "study.dcm").c_str()).good());
  DcmDataset& data = *file.getDataset();
  ASSERT_TRUE(data.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100").good());
  ASSERT_TRUE(data.putAndInsertString(DCM_PatientName, "M\xfcller^J\xfcrgen").good());
  ASSERT_TRUE(data.putAndInsertString(DCM_InstitutionName, "Klinik K\xf6ln").good());
  ASSERT_TRUE(data.putAndInsertString(DCM_PatientSex, "F").good());
  ASSERT_TRUE(file.saveFile(latin1.c_str(), EXS_LittleEndianExplicit).good());
  Result<imaging::CineLoop> loop = imaging::load(latin1.string());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  Result<StudyHeader> header = read_study_header(*loop, false);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  const std::map<std::string, std::string> fields(header->fields.begin(), header->fields.end());
  EXPECT_EQ(fields.at("Patient"), "M\xc3\xbcller, J\xc3\xbcrgen");
  EXPECT_EQ(fields.at("Institution"), "Klinik K\xc3\xb6ln");
  EXPECT_EQ(fields.at("Sex"), "female");
  EXPECT_EQ(fields.at("Patient ID"), kPatientId);
  // Without a character set, a Latin-1 byte is not ASCII: replaced, the rest kept.
  ASSERT_TRUE(data.findAndDeleteElement(DCM_SpecificCharacterSet).good());
  ASSERT_TRUE(data.putAndInsertString(DCM_PatientName, "B\xe4r^Ida").good());
  ASSERT_TRUE(file.saveFile(latin1.c_str(), EXS_LittleEndianExplicit).good());
  Result<imaging::CineLoop> unlabelled = imaging::load(latin1.string());
  ASSERT_TRUE(unlabelled.ok()) << unlabelled.status().to_string();
  Result<StudyHeader> replaced = read_study_header(*unlabelled, false);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->fields.front(), (std::pair<std::string, std::string>{"Patient", "B?r, Ida"}));
  Result<StudyHeader> anonymized = read_study_header(*loop, true);
  ASSERT_TRUE(anonymized.ok());
  for (const auto& [label, value] : anonymized->fields) {
    EXPECT_TRUE(label == "Patient" || label == "Modality" || label == "Manufacturer") << label;
  }
}

TEST(Report, ALoopWithoutDicomGetsANewStudyAndOnlyItsFileNameInTheHeader) {
  testing::TempDir dir;
  phantom::PhantomParams params;
  params.frames = 12;
  Result<phantom::PhantomLoop> phantom = phantom::simulate(params);
  ASSERT_TRUE(phantom.ok());
  Result<segmentation::Analysis> analysis = segmentation::analyze(phantom->loop);
  ASSERT_TRUE(analysis.ok());
  Result<StudyHeader> header = read_study_header(phantom->loop, false);
  ASSERT_TRUE(header.ok());
  EXPECT_FALSE(header->from_dicom);
  for (const auto& field : header->fields) EXPECT_EQ(field.first, "File");
  const ReportContent content = report_content(phantom->loop, {}, *analysis, *header);
  Result<DicomResultPaths> written = write_dicom_results(dir.path(), phantom->loop, content, false);
  ASSERT_TRUE(written.ok()) << written.status().to_string();
  EXPECT_FALSE(dicom_string(written->structured_report, DCM_StudyInstanceUID).empty());
  if (have_tool("dciodvfy")) {
    EXPECT_EQ(dciodvfy_errors(written->secondary_capture), std::vector<std::string>{});
    EXPECT_EQ(dciodvfy_errors(written->structured_report), std::vector<std::string>{});
  }
  // Bad paths: a clear error, nothing written.
  const Status pdf = write_report_pdf(dir / "missing" / "report.pdf", content);
  EXPECT_EQ(pdf.code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir / "missing"));
  const Status video = write_annotated_video(dir / "loop.avi", phantom->loop, *analysis);
  EXPECT_EQ(video.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir / "loop.avi"));
}

}  // namespace
}  // namespace dynamus::reporting
