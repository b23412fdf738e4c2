// Who and what a report is about: the patient and study fields of the source DICOM header (read
// with DCMTK), or only the file name for loops without one; de-identified on request.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::reporting {

struct StudyHeader {
  bool from_dicom = false;
  bool anonymized = false;
  // Label and value, in display order, empty values left out: "Patient" "DOE^JANE", "Patient ID",
  // "Birth date", "Sex", "Study date", "Study", "Accession", "Institution", "Modality",
  // "Manufacturer", "File" (the file name, not the folder).
  std::vector<std::pair<std::string, std::string>> fields;
};

// The pseudonym that replaces the patient's name and ID when anonymising: "ANON-" and the first
// 12 hex digits of SHA-256 over the salt ($DYNAMUS_ANONYMIZE_SALT, core/pseudonym.h) and the
// source file's checksum, so it is the same for the same file and does not reveal who the patient
// is (it cannot be linked across studies either).
std::string pseudonym(const imaging::CineLoop& loop);

// For a DICOM loop the fields of its header (kUnreadable naming the file when it cannot be read
// again); otherwise only the file name. `anonymize`: the patient is the pseudonym, and IDs, dates,
// descriptions, the institution and the file name are left out.
Result<StudyHeader> read_study_header(const imaging::CineLoop& loop, bool anonymize);

}  // namespace dynamus::reporting
