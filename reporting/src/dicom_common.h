// What the Secondary Capture and the Structured Report share: the study they go into, the source
// instance they reference, attribute setting with DCMTK's conditions turned into Status.
#pragma once

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "dynamus/core/status.h"
#include "dynamus/reporting/report_content.h"

namespace dynamus::reporting {

// The source DICOM instance the results refer to.
struct SourceInstance {
  std::string study_uid, series_uid, sop_class_uid, instance_uid;
  // Frames may be referenced by number only in a multi-frame SOP class.
  bool multi_frame = false;
};

struct ResultStudy {
  std::string study_uid;
  // Patient and study attributes to copy; null for a new study (non-DICOM input or anonymised).
  DcmDataset* source = nullptr;
  std::optional<SourceInstance> reference;  // absent when anonymised or not DICOM
  std::string pseudonym;                    // the patient, when anonymised
  bool anonymized = false;
};

std::string new_uid(const char* root);

Status dcmtk_status(const OFCondition& condition, std::string_view what);
Status put(DcmItem& item, const DcmTagKey& key, const std::string& value);

// Patient, General Study and Patient Study attributes: copied from the source, or (new study,
// anonymised) the type 2 ones empty and the patient the pseudonym. Sets the Study Instance UID.
Status put_patient_and_study(DcmItem& dataset, const ResultStudy& study);

// Explicit VR Little Endian, atomically.
Status save_atomically(DcmFileFormat& file, const std::filesystem::path& path);

// The Enhanced SR (TID 1500) of the content; `sc` is the Secondary Capture's data set.
Status write_structured_report(const std::filesystem::path& path, const ReportContent& content,
                               const ResultStudy& study, DcmDataset& sc);

}  // namespace dynamus::reporting
