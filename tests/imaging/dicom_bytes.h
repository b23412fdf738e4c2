// Hand-assembled DICOM files (Explicit VR Little Endian data sets) for tests that need exactly
// the broken structure a writer would never produce: absurd sizes, missing fragments, sequences
// nested thousands deep.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace dynamus::testing {

class DicomBytes {
 public:
  static constexpr const char* kExplicitLittle = "1.2.840.10008.1.2.1";
  static constexpr const char* kJpegBaseline = "1.2.840.10008.1.2.4.50";
  static constexpr const char* kRleLossless = "1.2.840.10008.1.2.5";

  // Preamble, "DICM" and a file meta group naming the transfer syntax and US Multi-frame storage.
  explicit DicomBytes(const std::string& transfer_syntax = kExplicitLittle) {
    bytes_.assign(128, '\0');
    bytes_ += "DICM";
    text(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.3.1");
    text(0x0002, 0x0003, "UI", "2.25.1");
    text(0x0002, 0x0010, "UI", transfer_syntax);
    text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.3.1");
    text(0x0008, 0x0060, "CS", "US");
  }

  // An 8-bit one-sample image module (elements of group 0028 up to Pixel Representation, in
  // order) without pixel data.
  DicomBytes& image(std::uint16_t rows, std::uint16_t columns, const std::string& frames,
                    const std::string& photometric = "MONOCHROME2") {
    us(0x0028, 0x0002, 1);
    text(0x0028, 0x0004, "CS", photometric);
    text(0x0028, 0x0008, "IS", frames);
    us(0x0028, 0x0010, rows);
    us(0x0028, 0x0011, columns);
    us(0x0028, 0x0100, 8);
    us(0x0028, 0x0101, 8);
    us(0x0028, 0x0102, 7);
    us(0x0028, 0x0103, 0);
    return *this;
  }

  // A text value, padded to even length as DICOM requires.
  DicomBytes& text(std::uint16_t group, std::uint16_t element, const char* vr, std::string value) {
    if (value.size() % 2 != 0) value += std::string(vr) == "UI" ? '\0' : ' ';
    return short_element(group, element, vr, value);
  }
  // Any short-form element (2-byte length), e.g. a value under the wrong VR.
  DicomBytes& element(std::uint16_t group, std::uint16_t element, const char* vr,
                      const std::string& value) {
    return short_element(group, element, vr, value);
  }
  DicomBytes& us(std::uint16_t group, std::uint16_t element, std::uint16_t value) {
    return short_element(group, element, "US", le(value, 2));
  }
  DicomBytes& us3(std::uint16_t group, std::uint16_t element, std::uint16_t a, std::uint16_t b,
                  std::uint16_t c) {
    return short_element(group, element, "US", le(a, 2) + le(b, 2) + le(c, 2));
  }
  // An element of a VR with a 4-byte length (OB, OW, ...).
  DicomBytes& long_element(std::uint16_t group, std::uint16_t element, const char* vr,
                           const std::string& value) {
    tag(group, element);
    bytes_ += vr;
    bytes_ += le(0, 2) + le(std::uint32_t(value.size()), 4) + value;
    return *this;
  }
  DicomBytes& ul(std::uint16_t group, std::uint16_t element, std::uint32_t value) {
    return short_element(group, element, "UL", le(value, 4));
  }
  DicomBytes& fd(std::uint16_t group, std::uint16_t element, double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    std::string value_bytes;
    for (int i = 0; i < 8; ++i) value_bytes += char((bits >> (8 * i)) & 0xff);
    return short_element(group, element, "FD", value_bytes);
  }

  // A sequence or item of undefined length, and their delimiters.
  DicomBytes& begin_sequence(std::uint16_t group, std::uint16_t element) {
    tag(group, element);
    bytes_ += "SQ";
    bytes_ += le(0, 2) + le(0xffffffffu, 4);
    return *this;
  }
  DicomBytes& begin_item() { return item_header(0xe000, 0xffffffffu); }
  DicomBytes& end_item() { return item_header(0xe00d, 0); }
  // A delimiter declares no length (`declared` breaks that).
  DicomBytes& end_sequence(std::uint32_t declared = 0) { return item_header(0xe0dd, declared); }

  // Native pixel data (OB) of these bytes.
  DicomBytes& native_pixels(const std::string& pixels) {
    return long_element(0x7fe0, 0x0010, "OB", pixels);
  }
  // Encapsulated pixel data: an empty offset table, then one item per fragment. A fragment may
  // declare more bytes than it holds (`declared` > 0), which truncates the file there.
  DicomBytes& begin_encapsulated() {
    tag(0x7fe0, 0x0010);
    bytes_ += "OB";
    bytes_ += le(0, 2) + le(0xffffffffu, 4);
    return item_header(0xe000, 0);
  }
  DicomBytes& fragment(const std::string& data, std::uint32_t declared = 0) {
    item_header(0xe000, declared > 0 ? declared : std::uint32_t(data.size()));
    bytes_ += data;
    return *this;
  }

  const std::string& bytes() const { return bytes_; }

 private:
  static std::string le(std::uint32_t value, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += char((value >> (8 * i)) & 0xff);
    return out;
  }
  void tag(std::uint16_t group, std::uint16_t element) { bytes_ += le(group, 2) + le(element, 2); }
  DicomBytes& short_element(std::uint16_t group, std::uint16_t element, const char* vr,
                            const std::string& value) {
    tag(group, element);
    bytes_ += vr;
    bytes_ += le(std::uint32_t(value.size()), 2) + value;
    return *this;
  }
  DicomBytes& item_header(std::uint16_t element, std::uint32_t length) {
    tag(0xfffe, element);
    bytes_ += le(length, 4);
    return *this;
  }

  std::string bytes_;
};

}  // namespace dynamus::testing
