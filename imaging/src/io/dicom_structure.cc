#include "io/dicom_structure.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/oflog/oflog.h>
#include <fmt/format.h>

namespace dynamus::imaging::io {
namespace {

// Values longer than this stay in the file (DCMTK reads them only when asked): the walk holds the
// small attributes only, whatever the lengths say.
constexpr Uint32 kMaxLoadedValueBytes = 4096;

// Binary numbers and sequences: a value of one read as another is garbage, and GDCM asserts
// (aborts) when an attribute it reads has such a VR (found by fuzzing: Samples per Pixel as SL).
bool structural(const DcmVR& vr) {
  switch (vr.getEVR()) {
    case EVR_US:
    case EVR_SS:
    case EVR_xs:
    case EVR_UL:
    case EVR_SL:
    case EVR_FL:
    case EVR_FD:
    case EVR_AT:
    case EVR_SQ:
      return true;
    default:
      return false;
  }
}

// The first standard attribute whose VR in the file contradicts the dictionary in a way that
// matters (see structural()); UN, private and unknown tags are not judged.
Status check_vrs(DcmDataset& dataset) {
  DcmStack stack;
  while (dataset.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    const DcmTagKey key = object->getTag().getXTag();
    if (key.getGroup() == 0xfffe || key.isPrivate()) continue;
    const DcmVR file_vr(object->getVR());
    const DcmVR dictionary_vr = DcmTag(key).getVR();
    if (file_vr.getEVR() == EVR_UN || dictionary_vr.getEVR() == EVR_UNKNOWN ||
        dictionary_vr.getEVR() == EVR_UN || file_vr.isEquivalent(dictionary_vr)) {
      continue;
    }
    if (structural(file_vr) || structural(dictionary_vr)) {
      return Status(
          StatusCode::kInvalidData,
          fmt::format("{} {} has the VR {} where DICOM says {}", key.toString().c_str(),
                      DcmTag(key).getTagName(), file_vr.getVRName(), dictionary_vr.getVRName()));
    }
  }
  return ok_status();
}

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
  return check_vrs(*file.getDataset());
}

}  // namespace dynamus::imaging::io
