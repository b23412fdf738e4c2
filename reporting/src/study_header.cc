#include "dynamus/reporting/study_header.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fmt/format.h>

#include <filesystem>

#include "dicom_source.h"
#include "dynamus/core/sha256.h"

namespace dynamus::reporting {
namespace {

constexpr std::size_t kPseudonymHexDigits = 12;

// DICOM dates "YYYYMMDD" as "YYYY-MM-DD"; anything else as it is.
std::string readable_date(const std::string& da) {
  if (da.size() != 8) return da;
  return fmt::format("{}-{}-{}", da.substr(0, 4), da.substr(4, 2), da.substr(6, 2));
}

}  // namespace

std::string pseudonym(const imaging::CineLoop& loop) {
  return "ANON-" + sha256_hex(loop.source().sha256).substr(0, kPseudonymHexDigits);
}

Result<StudyHeader> read_study_header(const imaging::CineLoop& loop, bool anonymize) {
  StudyHeader header;
  header.anonymized = anonymize;
  auto add = [&](std::string label, std::string value) {
    if (!value.empty()) header.fields.emplace_back(std::move(label), std::move(value));
  };
  if (loop.source().format != "dicom") {
    if (anonymize) {
      add("Patient", pseudonym(loop));
    } else {
      add("File", std::filesystem::path(loop.source().path).filename().string());
    }
    return header;
  }
  DYNAMUS_ASSIGN_OR_RETURN(const std::unique_ptr<DcmFileFormat> file,
                           load_dicom_header(loop.source().path));
  header.from_dicom = true;
  DcmDataset& data = *file->getDataset();
  auto value = [&](const DcmTagKey& key) {
    OFString text;
    return data.findAndGetOFStringArray(key, text).good() ? std::string(text.c_str())
                                                          : std::string();
  };
  if (anonymize) {
    add("Patient", pseudonym(loop));
  } else {
    add("Patient", value(DCM_PatientName));
    add("Patient ID", value(DCM_PatientID));
    add("Birth date", readable_date(value(DCM_PatientBirthDate)));
    add("Sex", value(DCM_PatientSex));
    std::string when = readable_date(value(DCM_StudyDate));
    if (const std::string time = value(DCM_StudyTime); time.size() >= 4) {
      when += fmt::format(" {}:{}", time.substr(0, 2), time.substr(2, 2));
    }
    add("Study date", when);
    add("Study", value(DCM_StudyDescription));
    add("Accession", value(DCM_AccessionNumber));
    add("Institution", value(DCM_InstitutionName));
  }
  add("Modality", value(DCM_Modality));
  add("Manufacturer", value(DCM_Manufacturer));
  if (!anonymize) add("File", std::filesystem::path(loop.source().path).filename().string());
  return header;
}

}  // namespace dynamus::reporting
