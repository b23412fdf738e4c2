// Checks of the attribute values GDCM's image reader trusts, before GDCM reads the file.
#pragma once

#include <filesystem>

#include "dynamus/core/status.h"

class DcmDataset;

namespace dynamus::imaging::io {

// GDCM's image reader trusts these values: Debian builds it with assertions, and it aborts,
// faults or reads past its buffers where they are not as it expects (found by fuzzing, the
// overlays by hand). kInvalidData when
// - image pixel values are out of DICOM's ranges (Samples per Pixel, Planar Configuration, Bits
//   Allocated/Stored, High Bit);
// - the Photometric Interpretation names none DICOM defines, or is palette colour without its
//   tables;
// - the first ultrasound region lacks its physical deltas;
// - a Recognition Code names no ACR-NEMA version;
// - an overlay in the unused bits of the pixel data is larger than the image;
// - the delimiter of encapsulated Pixel Data declares a length;
// - a JPEG (IJG) fragment's header is broken or contradicts Rows, Columns and Samples per Pixel
//   (jpeg_header.h);
// - an RLE frame's header or byte runs are not what GDCM's RLE codec expects (rle_frame.h).
// `dataset` was read from `path`.
Status check_image_attributes(DcmDataset& dataset, const std::filesystem::path& path);

}  // namespace dynamus::imaging::io
