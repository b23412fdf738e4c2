#include "dicom_source.h"

#include <fmt/format.h>

namespace dynamus::reporting {
namespace {

// Elements longer than this stay on disk: the header is wanted, not the pixels.
constexpr Uint32 kMaxReadLength = 4096;

}  // namespace

Result<std::unique_ptr<DcmFileFormat>> load_dicom_header(const std::string& path) {
  auto file = std::make_unique<DcmFileFormat>();
  const OFCondition loaded =
      file->loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength);
  if (loaded.bad()) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot read the DICOM header again: {}", loaded.text()), path);
  }
  return file;
}

}  // namespace dynamus::reporting
