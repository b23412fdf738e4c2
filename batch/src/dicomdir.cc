// DICOMDIR records through DCMTK's DcmDicomDir: each record with a ReferencedFileID names a file.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicdir.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "dynamus/batch/discover.h"

namespace dynamus::batch {
namespace {

// Records nest (patient > study > series > image); image-level records carry the file.
Status collect(DcmDirectoryRecord& record, const std::filesystem::path& base,
               std::vector<std::filesystem::path>& files, int depth) {
  if (depth > 16) return Status(StatusCode::kInvalidData, "DICOMDIR records nest too deep");
  for (DcmDirectoryRecord* sub = record.nextSub(nullptr); sub != nullptr;
       sub = record.nextSub(sub)) {
    OFString file_id;
    if (sub->findAndGetOFStringArray(DCM_ReferencedFileID, file_id).good() && !file_id.empty()) {
      std::string relative(file_id.c_str());
      std::replace(relative.begin(), relative.end(), '\\', '/');
      files.push_back((base / relative).lexically_normal());
    }
    DYNAMUS_RETURN_IF_ERROR(collect(*sub, base, files, depth + 1));
  }
  return ok_status();
}

// DcmDicomDir creates an empty directory object for a missing or non-DICOM file instead of
// failing, so the file's preamble is checked first.
bool has_dicom_preamble(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::string magic(132, '\0');
  file.read(magic.data(), 132);
  return file.gcount() == 132 && magic.compare(128, 4, "DICM") == 0;
}

}  // namespace

Result<std::vector<std::filesystem::path>> read_dicomdir(const std::filesystem::path& dicomdir) {
  if (!has_dicom_preamble(dicomdir)) {
    return Status(StatusCode::kUnreadable, "not a DICOMDIR (no DICOM preamble)", dicomdir.string());
  }
  DcmDicomDir directory(OFFilename(dicomdir.c_str()));
  if (directory.error().bad()) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("unreadable DICOMDIR: {}", directory.error().text()),
                  dicomdir.string());
  }
  std::vector<std::filesystem::path> files;
  const Status status = collect(directory.getRootRecord(), dicomdir.parent_path(), files, 0);
  if (!status.ok()) return status.with_context(dicomdir.string());
  return files;
}

}  // namespace dynamus::batch
