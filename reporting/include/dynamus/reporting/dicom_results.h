// DICOM results of an analysis, written with DCMTK: a Multi-frame True Color Secondary Capture of
// the annotated rest and peak frames (frame 1 rest, frame 2 peak) and an Enhanced SR following
// TID 1500 (Imaging Measurement Report) with the measurements of report_content().
//
// Both go into the source study (same Study Instance UID, patient and study attributes copied from
// the source file), each in a new series (DICOM keeps one modality per series: OT for the SC, SR
// for the report); Series and SOP Instance UIDs come from DCMTK's generator under its default root
// (1.2.276.0.7230010.3, SITE_SERIES_UID_ROOT / SITE_INSTANCE_UID_ROOT). The SR references the
// source instance and the frames each value was measured on, and the SC.
// A loop that is not DICOM gets a new study (a generated Study Instance UID). Anonymised, the
// results go to a pseudonymous study whose UID is anonymized_study_uid(); the patient is the
// pseudonym of study_header.h, dates and IDs are empty and the source's UIDs are not referenced
// (the SR references the SC's frames instead).
#pragma once

#include <filesystem>
#include <string>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/reporting/report_content.h"

namespace dynamus::reporting {

inline constexpr const char* kDynamusCodingScheme = "99DYNAMUS";

struct DicomResultPaths {
  std::filesystem::path secondary_capture;  // sc.dcm
  std::filesystem::path structured_report;  // sr.dcm
};

// The Study Instance UID of anonymised results: "2.25." + a UUID from SHA-256 of the salt
// ($DYNAMUS_ANONYMIZE_SALT) and the source's Study Instance UID (for a loop without one, its
// checksum), so every loop of one study lands in the same pseudonymous study and the source's UID
// cannot be computed back (core/pseudonym.h).
std::string anonymized_study_uid(const imaging::CineLoop& loop);

// Writes dir/sc.dcm and dir/sr.dcm (creating dir), each atomically. Errors name the file:
// kUnreadable for I/O and a source header that cannot be read again, kInternal for DCMTK refusing
// a value.
Result<DicomResultPaths> write_dicom_results(const std::filesystem::path& dir,
                                             const imaging::CineLoop& loop,
                                             const ReportContent& content, bool anonymize);

}  // namespace dynamus::reporting
