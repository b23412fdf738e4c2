#include "io/jpeg_header.h"

#include <fmt/format.h>

#include <cstdint>

namespace dynamus::imaging::io {
namespace {

constexpr std::uint8_t kMarker = 0xff, kStartOfImage = 0xd8, kStartOfScan = 0xda, kApp0 = 0xe0;

bool is_frame_header(std::uint8_t marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

bool stands_alone(std::uint8_t marker) {
  return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

}  // namespace

Status check_jpeg_header(std::string_view text, int columns, int rows, int samples) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t size = text.size();
  if (size < 2 || bytes[0] != kMarker || bytes[1] != kStartOfImage) return ok_status();
  auto fail = [](std::string reason) {
    return Status(StatusCode::kInvalidData, "JPEG frame header: " + reason);
  };
  bool frame_seen = false;
  for (std::size_t at = 2;;) {
    if (at + 2 > size) return fail("the data ends before the scan");
    if (bytes[at] != kMarker) return fail(fmt::format("no marker at byte {}", at));
    while (at + 2 < size && bytes[at + 1] == kMarker) ++at;  // fill bytes
    const std::uint8_t marker = bytes[at + 1];
    if (marker == kStartOfScan) {
      return frame_seen ? ok_status() : fail("a scan before the frame header");
    }
    if (stands_alone(marker)) {
      at += 2;
      continue;
    }
    if (at + 4 > size) return fail("the data ends inside a segment");
    const std::size_t length = std::size_t(bytes[at + 2]) << 8 | bytes[at + 3];
    if (length < 2 || at + 2 + length > size) {
      return fail(fmt::format("segment {:#04x} at byte {} overruns the data", marker, at));
    }
    // A JFIF major version other than 1, which libjpeg only warns about, makes GDCM's JPEG codec
    // assert (found by fuzzing: version 17.1).
    const std::string_view jfif("JFIF\0", 5);
    if (marker == kApp0 && length >= 2 + jfif.size() + 2 && text.substr(at + 4, 5) == jfif &&
        bytes[at + 9] != 1) {
      return fail(fmt::format("JFIF version {}.{:02}, not 1", bytes[at + 9], bytes[at + 10]));
    }
    if (is_frame_header(marker)) {
      if (frame_seen) return fail("a second frame header");
      if (length < 8) return fail("a frame header too short");
      frame_seen = true;
      const int height = bytes[at + 5] << 8 | bytes[at + 6];
      const int width = bytes[at + 7] << 8 | bytes[at + 8];
      const int components = bytes[at + 9];
      if (width != columns || height != rows || components != samples) {
        return fail(fmt::format("{}x{} with {} components where the image is {}x{} with {}", width,
                                height, components, columns, rows, samples));
      }
    }
    at += 2 + length;
  }
}

}  // namespace dynamus::imaging::io
