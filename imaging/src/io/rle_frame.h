// One RLE Lossless frame (DICOM PS3.5 Annex G), checked before GDCM's RLE codec decodes it
// (check_image_attributes()). The codec trusts the frame's header: a segment count of 0 or a
// frame shorter than the header divide by zero (SIGFPE), a count above 15 reads past the segment
// table (SIGSEGV; found by fuzzing, docs/fuzzing.md), and a last run past the end of the frame
// decodes silently into wrong pixels.
#pragma once

#include <cstdint>
#include <string_view>

#include "dynamus/core/status.h"

namespace dynamus::imaging::io {

// kInvalidData unless `frame` holds a 64-byte header declaring `segments` segments, the first
// right after the header and each after the one before (up to 2 bytes of padding between them),
// and each segment's PackBits runs decode to exactly `plane_bytes` bytes within the frame.
Status check_rle_frame(std::string_view frame, std::uint32_t segments, std::uint64_t plane_bytes);

}  // namespace dynamus::imaging::io
