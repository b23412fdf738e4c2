// Checks of the attribute values GDCM's image reader trusts, before GDCM reads the file.
#pragma once

#include <filesystem>

#include "dynamus/core/status.h"

class DcmDataset;

namespace dynamus::imaging::io {

// Debian builds GDCM with assertions, and its image reader asserts (aborts) on values it does not
// expect, all found by fuzzing: kInvalidData when image pixel values are out of DICOM's ranges
// (Samples per Pixel, Planar Configuration, Bits Allocated/Stored, High Bit), the Photometric
// Interpretation names none DICOM defines or is palette colour without its tables, the first
// ultrasound region lacks its physical deltas, a Recognition Code names no ACR-NEMA version, the
// delimiter of encapsulated Pixel Data declares a length, or a JPEG (IJG) fragment's header is
// broken or contradicts Rows, Columns and Samples per Pixel (jpeg_header.h), or an RLE frame's
// header or byte runs are not what GDCM's RLE codec expects (rle_frame.h). `dataset` was read from
// `path`.
Status check_image_attributes(DcmDataset& dataset, const std::filesystem::path& path);

}  // namespace dynamus::imaging::io
