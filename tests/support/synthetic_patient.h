// A synthetic patient for the privacy tests (`--anonymize`, issue 9): a loop written as the DICOM
// file of a scanner that burns the patient's name, ID and birth date into a banner above the
// calibrated region, with the patient in the header and in the file name; and a search of every
// output file for those identifiers.
#pragma once

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/write.h"
#include "run_command.h"

namespace dynamus::testing {

constexpr int kBannerPx = 40;
inline const char* const kPatientFamily = "QUIXOTE";
inline const char* const kPatientGiven = "MARGARITA";
inline const char* const kPatientId = "PID90210ZX";
// What must not leave: the patient's name (family and given), ID, birth date, the accession
// number and the institution; the source's Study Instance UID (the last).
inline const char* const kPatientIdentifiers[] = {kPatientFamily,
                                                  kPatientGiven,
                                                  kPatientId,
                                                  "19580317",
                                                  "ACC554433",
                                                  "ELSEWHERE",
                                                  "1.2.826.0.1.3680043.9.7777.1"};

inline std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::toupper(c)); });
  return text;
}

// The file as searchable text: the PDF through pdftotext (its text streams are compressed),
// anything else as its bytes; upper case, since a report may spell the name differently.
inline std::string searchable(const std::filesystem::path& file) {
  if (file.extension() == ".pdf")
    return upper(run_command("pdftotext '" + file.string() + "' -").out);
  std::ifstream stream(file, std::ios::binary);
  return upper(std::string(std::istreambuf_iterator<char>(stream), {}));
}

// Every identifier found in `file`, or in any file under it when it is a folder, as
// "file: identifier" (the file relative to the folder).
inline std::vector<std::string> patient_identifiers_in(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path))
      if (entry.is_regular_file()) files.push_back(entry.path());
  } else {
    files.push_back(path);
  }
  std::vector<std::string> found;
  for (const fs::path& file : files) {
    const std::string text = searchable(file);
    const std::string name =
        fs::is_directory(path) ? fs::relative(file, path).string() : file.filename().string();
    for (const char* identifier : kPatientIdentifiers) {
      if (text.find(identifier) != std::string::npos) found.push_back(name + ": " + identifier);
    }
  }
  return found;
}

// `loop` under a banner (the patient's name, ID and birth date burned in; or left black when
// `burn_text` is false), as the DICOM file of a scanner that calibrates only the image below the
// banner, with the patient's header: `dir`/in/QUIXOTE_MARGARITA.dcm (`name` replaces the file
// name when given). `region` is the file as loaded, i.e. cropped back to `loop`. Empty, with the
// test failed, when the file could not be written or read back.
struct SyntheticPatient {
  std::filesystem::path dicom;
  imaging::CineLoop region;
};

inline void put_string(DcmItem& item, const DcmTagKey& key, const char* value) {
  EXPECT_TRUE(item.putAndInsertString(key, value).good());
}

inline std::optional<SyntheticPatient> write_synthetic_patient(const std::filesystem::path& dir,
                                                               const imaging::CineLoop& loop,
                                                               bool burn_text = true,
                                                               std::string name = {}) {
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
      std::string(kPatientFamily) + " " + kPatientGiven + "  " + kPatientId + "  17.03.1958";
  for (int f = 0; f < loop.frame_count(); ++f) {
    cv::Mat frame(parts.height_px, parts.width_px, CV_8UC1, cv::Scalar(0));
    if (burn_text)
      cv::putText(frame, banner, {4, 26}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(255), 1);
    const cv::Mat image(loop.height_px(), loop.width_px(), CV_8UC1,
                        const_cast<std::uint8_t*>(loop.frame(f).data()));
    image.copyTo(frame(cv::Rect(0, kBannerPx, loop.width_px(), loop.height_px())));
    parts.pixels.insert(parts.pixels.end(), frame.datastart, frame.dataend);
  }
  Result<imaging::CineLoop> bannered = imaging::CineLoop::create(std::move(parts));
  EXPECT_TRUE(bannered.ok()) << bannered.status().to_string();
  if (!bannered.ok()) return std::nullopt;
  std::filesystem::create_directories(dir / "in");
  const std::filesystem::path written = dir / "written.dcm";
  imaging::DicomCineIdentity identity;
  identity.patient_name = std::string(kPatientFamily) + "^" + kPatientGiven;
  identity.patient_id = kPatientId;
  identity.study_uid = kPatientIdentifiers[6];
  identity.uid_seed = "synthetic-patient";
  identity.institution = "St Elsewhere Hospital";
  const Status status = imaging::write_dicom(*bannered, identity, written);
  EXPECT_TRUE(status.ok()) << status.to_string();

  // The scanner's calibrated region starts below the banner; the rest of the patient's header.
  DcmFileFormat file;
  DcmItem* region = nullptr;
  if (!status.ok() || !file.loadFile(written.c_str()).good() ||
      !file.getDataset()
           ->findAndGetSequenceItem(DCM_SequenceOfUltrasoundRegions, region, 0)
           .good()) {
    ADD_FAILURE() << written << ": no ultrasound region to move below the banner";
    return std::nullopt;
  }
  EXPECT_TRUE(region->putAndInsertUint32(DCM_RegionLocationMinY0, kBannerPx).good());
  DcmDataset& data = *file.getDataset();
  put_string(data, DCM_PatientBirthDate, "19580317");
  put_string(data, DCM_AccessionNumber, "ACC554433");
  put_string(data, DCM_StudyDate, "20261130");
  put_string(data, DCM_ReferringPhysicianName, "ELSEWHERE^DOCTOR");
  if (name.empty()) name = std::string(kPatientFamily) + "_" + kPatientGiven + ".dcm";
  const std::filesystem::path dicom = dir / "in" / name;
  EXPECT_TRUE(file.saveFile(dicom.c_str(), EXS_LittleEndianExplicit).good());
  std::filesystem::remove(written);
  Result<imaging::CineLoop> cropped = imaging::load(dicom);
  EXPECT_TRUE(cropped.ok()) << cropped.status().to_string();
  if (!cropped.ok()) return std::nullopt;
  return SyntheticPatient{dicom, std::move(cropped).value()};
}

}  // namespace dynamus::testing
