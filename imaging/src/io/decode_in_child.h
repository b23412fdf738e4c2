// Decoding in a child process. The decoding libraries (GDCM with its assertions on, OpenJPEG,
// libjpeg, FFmpeg, ITK's MetaIO) end the process on some malformed files: an abort, a crash, a
// call to exit(). Run in a forked child, such a file costs the child; the caller gets an error
// naming what happened and goes on with its next study, window or test.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "io/decoded_cine.h"

namespace dynamus::imaging::io {

// Runs `read` in a forked child and returns what it returned (through a socket, the pixels copied
// out of the child's memory). When the child ends without a result (a signal, or exit() inside a
// library), the error is kInvalidData, saying that decoding `what` ("dicom", "video", ...) ended
// and how. A result whose pixels are more than `max_memory_bytes` or do not match its frame size is
// refused before it is allocated. A child that uses more than `max_cpu_seconds` of processor time
// (a library looping on a malformed file) is stopped, and the error says so.
Result<DecodedCine> decode_in_child(const std::function<Result<DecodedCine>()>& read,
                                    std::string_view what, std::uint64_t max_memory_bytes,
                                    std::uint32_t max_cpu_seconds);

}  // namespace dynamus::imaging::io
