// Format by content: magic bytes, never the extension.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <string>

#include "dynamus/imaging/load.h"

namespace dynamus::imaging {

std::string_view to_string(InputFormat format) {
  switch (format) {
    case InputFormat::kDicom:
      return "dicom";
    case InputFormat::kVideo:
      return "video";
    case InputFormat::kImage:
      return "image";
    case InputFormat::kImageFolder:
      return "image-sequence";
    case InputFormat::kMetaImage:
      return "metaimage";
    case InputFormat::kNrrd:
      return "nrrd";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kProbeBytes = 4096;

bool starts_with(const std::string& bytes, std::size_t offset, std::string_view magic) {
  return bytes.size() >= offset + magic.size() && bytes.compare(offset, magic.size(), magic) == 0;
}

// A DICOM data set written without the 128-byte preamble and "DICM": it starts with a group 0002
// or 0008 element, followed by an explicit VR (two capital letters) or an implicit 4-byte length.
bool looks_like_bare_dicom(const std::string& bytes) {
  if (bytes.size() < 8) return false;
  const unsigned group = unsigned(std::uint8_t(bytes[0])) | unsigned(std::uint8_t(bytes[1])) << 8;
  if (group != 0x0002 && group != 0x0008) return false;
  const bool explicit_vr =
      std::isupper(std::uint8_t(bytes[4])) && std::isupper(std::uint8_t(bytes[5]));
  std::uint32_t length = 0;
  std::memcpy(&length, bytes.data() + 4, sizeof length);  // little endian on this platform
  return explicit_vr || length < 256;
}

// MetaImage headers are "Key = Value" lines and always declare NDims.
bool looks_like_metaimage(const std::string& bytes) {
  const auto line_end = bytes.find('\n');
  const std::string first = bytes.substr(0, line_end);
  const auto equals = first.find('=');
  if (equals == std::string::npos || equals == 0) return false;
  const bool key_is_word =
      std::all_of(first.begin(), first.begin() + std::ptrdiff_t(equals),
                  [](char c) { return std::isalnum(std::uint8_t(c)) || c == '_' || c == ' '; });
  return key_is_word && bytes.find("NDims") != std::string::npos;
}

}  // namespace

Result<InputFormat> detect_format(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    return Status(StatusCode::kNotFound, "no such file or folder", path.string());
  }
  if (std::filesystem::is_directory(status)) return InputFormat::kImageFolder;

  std::ifstream file(path, std::ios::binary);
  if (!file) return Status(StatusCode::kUnreadable, "cannot open for reading", path.string());
  std::string bytes(kProbeBytes, '\0');
  file.read(bytes.data(), std::streamsize(bytes.size()));
  bytes.resize(std::size_t(file.gcount()));
  if (bytes.empty()) return Status(StatusCode::kInvalidData, "file is empty", path.string());

  if (starts_with(bytes, 128, "DICM")) return InputFormat::kDicom;
  if (starts_with(bytes, 0, "NRRD000")) return InputFormat::kNrrd;
  if (starts_with(bytes, 0, "\x89PNG\r\n\x1a\n") || starts_with(bytes, 0, "\xff\xd8\xff") ||
      starts_with(bytes, 0, "II*\0") || starts_with(bytes, 0, "MM\0*") ||
      starts_with(bytes, 0, "BM")) {
    return InputFormat::kImage;
  }
  if (starts_with(bytes, 4, "ftyp") ||
      (starts_with(bytes, 0, "RIFF") && starts_with(bytes, 8, "AVI ")) ||
      starts_with(bytes, 0, "\x1a\x45\xdf\xa3")) {
    return InputFormat::kVideo;
  }
  if (looks_like_metaimage(bytes)) return InputFormat::kMetaImage;
  if (looks_like_bare_dicom(bytes)) return InputFormat::kDicom;
  return Status(StatusCode::kUnsupported,
                "content is not DICOM, MP4/AVI/MKV video, PNG/JPEG/TIFF/BMP image, MetaImage or "
                "NRRD",
                path.string());
}

}  // namespace dynamus::imaging
