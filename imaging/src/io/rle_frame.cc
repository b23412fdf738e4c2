#include "io/rle_frame.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "io/byte_order.h"

namespace dynamus::imaging::io {
namespace {

constexpr std::size_t kHeaderBytes = 64;  // the segment count and 15 offsets
constexpr std::uint64_t kMaxPadding = 2;  // between segments: GDCM's RLE codec allows no more

std::uint32_t read_le32(std::string_view bytes, std::size_t at) {
  return read_u32(reinterpret_cast<const unsigned char*>(bytes.data()) + at, /*little=*/true);
}

Status invalid(std::string message) { return Status(StatusCode::kInvalidData, std::move(message)); }

}  // namespace

Status check_rle_frame(std::string_view frame, std::uint32_t segments, std::uint64_t plane_bytes) {
  if (frame.size() < kHeaderBytes) {
    return invalid(
        fmt::format("an RLE frame of {} bytes, shorter than its 64-byte header", frame.size()));
  }
  const std::uint32_t declared = read_le32(frame, 0);
  if (declared != segments) {
    return invalid(fmt::format("the RLE header declares {} segments where the image has {}",
                               declared, segments));
  }
  std::uint64_t at = kHeaderBytes;  // where the segment before ended
  for (std::uint32_t segment = 0; segment < segments; ++segment) {
    const std::uint64_t start = read_le32(frame, 4 + 4 * std::size_t(segment));
    if (start < at || start - at > kMaxPadding) {
      return invalid(
          fmt::format("RLE segment {} starts at byte {}, where the one before ends at {}",
                      segment + 1, start, at));
    }
    // PackBits: n in 0..127 copies the next n+1 bytes, n in -127..-1 repeats the next byte 1-n
    // times, -128 does nothing.
    std::uint64_t decoded = 0;
    at = start;
    while (decoded < plane_bytes) {
      if (at >= frame.size()) {
        return invalid(fmt::format("RLE segment {} ends after {} of its {} bytes", segment + 1,
                                   decoded, plane_bytes));
      }
      const auto control = std::int8_t(frame[at++]);
      if (control >= 0) {
        decoded += std::uint64_t(control) + 1;
        at += std::uint64_t(control) + 1;
      } else if (control != -128) {
        decoded += 1 - std::int64_t(control);
        at += 1;
      }
    }
    if (at > frame.size()) {
      return invalid(fmt::format("RLE segment {} runs past the end of its frame", segment + 1));
    }
    if (decoded != plane_bytes) {
      return invalid(fmt::format("RLE segment {} decodes to {} bytes, not {}", segment + 1, decoded,
                                 plane_bytes));
    }
  }
  return ok_status();
}

}  // namespace dynamus::imaging::io
