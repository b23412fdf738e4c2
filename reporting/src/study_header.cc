#include "dynamus/reporting/study_header.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "dicom_source.h"
#include "dynamus/core/pseudonym.h"
#include "utf8.h"

namespace dynamus::reporting {
namespace {

constexpr std::size_t kPseudonymHexDigits = 12;

// DICOM dates "YYYYMMDD" as "YYYY-MM-DD"; anything else as it is.
std::string readable_date(const std::string& da) {
  if (da.size() != 8) return da;
  return fmt::format("{}-{}-{}", da.substr(0, 4), da.substr(4, 2), da.substr(6, 2));
}

// A DICOM person name "Family^Given^Middle^Prefix^Suffix" as people write it: "Family, Given
// Middle Prefix Suffix" (the ideographic and phonetic groups after '=' left out).
std::string readable_name(const std::string& pn) {
  const std::string alphabetic = pn.substr(0, pn.find('='));
  std::vector<std::string> parts;
  for (std::size_t start = 0; start <= alphabetic.size();) {
    const std::size_t end = std::min(alphabetic.find('^', start), alphabetic.size());
    parts.push_back(alphabetic.substr(start, end - start));
    start = end + 1;
  }
  std::string rest;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    rest += (rest.empty() ? "" : " ") + parts[i];
  }
  if (parts[0].empty() || rest.empty()) return parts[0] + rest;
  return parts[0] + ", " + rest;
}

std::string readable_sex(const std::string& cs) {
  if (cs == "M") return "male";
  if (cs == "F") return "female";
  if (cs == "O") return "other";
  return cs;
}

}  // namespace

std::string pseudonym(const imaging::CineLoop& loop) {
  return pseudonym_of(loop.source().sha256, kPseudonymHexDigits);
}

Result<StudyHeader> read_study_header(const imaging::CineLoop& loop, bool anonymize) {
  StudyHeader header;
  header.anonymized = anonymize;
  auto add = [&](std::string label, const std::string& value) {
    if (!value.empty()) header.fields.emplace_back(std::move(label), valid_utf8(value));
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
  // Latin-1 and other character sets as UTF-8; where DCMTK cannot convert, valid_utf8() at least
  // keeps the report drawable.
  file->convertToUTF8().good();
  DcmDataset& data = *file->getDataset();
  auto value = [&](const DcmTagKey& key) {
    OFString text;
    return data.findAndGetOFStringArray(key, text).good() ? std::string(text.c_str())
                                                          : std::string();
  };
  if (anonymize) {
    add("Patient", pseudonym(loop));
  } else {
    add("Patient", readable_name(value(DCM_PatientName)));
    add("Patient ID", value(DCM_PatientID));
    add("Birth date", readable_date(value(DCM_PatientBirthDate)));
    add("Sex", readable_sex(value(DCM_PatientSex)));
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
