#include "io/dicom_structure.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>
#include <fmt/format.h>

namespace dynamus::imaging::io {
namespace {

// Values longer than this stay in the file (DCMTK reads them only when asked): the walk holds the
// small attributes only, whatever the lengths say.
constexpr Uint32 kMaxLoadedValueBytes = 4096;

}  // namespace

Status check_dicom_structure(const std::filesystem::path& path) {
  // The reason reaches the user in the Status; DCMTK's log would repeat it on stderr.
  static const bool quiet = [] {
    OFLog::getLogger("dcmtk.dcmdata").setLogLevel(OFLogger::OFF_LOG_LEVEL);
    return true;
  }();
  (void)quiet;
  if (!dcmDataDict.isDictionaryLoaded()) {
    return Status(StatusCode::kInternal, "the DCMTK data dictionary is not installed");
  }
  DcmFileFormat file;
  const OFCondition condition = file.loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange,
                                              kMaxLoadedValueBytes, ERM_autoDetect);
  if (condition.bad()) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("broken DICOM structure: {}", condition.text()));
  }
  return ok_status();
}

}  // namespace dynamus::imaging::io
