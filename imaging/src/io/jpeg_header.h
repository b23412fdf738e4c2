// The marker segments of a JPEG frame up to its scan, checked before GDCM's IJG-based codecs see
// it (check_dicom_structure()): Debian builds GDCM with assertions, and a corrupt header, a frame
// header contradicting the DICOM image module or a JFIF version libjpeg does not know aborts the
// process there (found by fuzzing, tests/fuzz/regressions/dicom/).
#pragma once

#include <string_view>

#include "dynamus/core/status.h"

namespace dynamus::imaging::io {

// kInvalidData when the bytes start a JPEG stream (SOI) whose segments up to the start of scan
// are broken, or whose frame header is not `columns` x `rows` with `samples` components. Bytes
// that do not start with SOI are left to the codec.
Status check_jpeg_header(std::string_view bytes, int columns, int rows, int samples);

}  // namespace dynamus::imaging::io
