// A bounded-memory walk of a DICOM file's element structure before GDCM reads it.
#pragma once

#include <filesystem>

#include "dynamus/core/status.h"

namespace dynamus::imaging::io {

// GDCM allocates every value at the length its header declares before reading it, so a small file
// declaring a 4 GB element costs 4 GB (found by fuzzing, tests/fuzz/regressions/dicom/). DCMTK
// parses the same structure leaving large values on disk and checks each length against what the
// file holds: kInvalidData with DCMTK's reason when the structure is broken, or when a standard
// attribute has a binary or sequence VR that contradicts the dictionary (GDCM aborts on those).
// Items nested more than 64 deep are refused first: both parsers recurse once per level. Then the
// attribute values GDCM's image reader trusts are checked (check_image_attributes(),
// dicom_image_checks.h).
Status check_dicom_structure(const std::filesystem::path& path);

}  // namespace dynamus::imaging::io
