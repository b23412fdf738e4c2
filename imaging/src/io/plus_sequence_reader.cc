// PLUS toolkit sequences (MetaImage .mha / .mhd + raw, NRRD) through ITK's non-templated ImageIO
// layer: frames reduced to 8-bit grey, per-frame timestamps and image status, ElementSpacing and
// the ultrasound image orientation.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkMetaDataObject.h>
#include <itkMetaImageIO.h>
#include <itkMetaImageIOFactory.h>
#include <itkNrrdImageIO.h>
#include <itkNrrdImageIOFactory.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <new>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "io/decoded_cine.h"
#include "io/grey_frames.h"

namespace dynamus::imaging::io {
namespace {

enum class Container { kMetaImage, kNrrd };

// Enough for the per-frame lines of tens of thousands of tracked frames; ITK has already parsed
// the header by the time it is read here, so this only bounds a pathological file.
constexpr std::size_t kMaxHeaderBytes = std::size_t{256} << 20;
constexpr std::string_view kFramePrefix = "Seq_Frame";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = char(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

// "ultrasound image orientation" (NRRD) and "UltrasoundImageOrientation" (MetaImage) compare equal.
std::string squeezed_lower(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (c != ' ') result.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  }
  return result;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  text = trim(text);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The last line of an ITK exception description (teem's NRRD errors are a stack of lines whose
// last one names the cause), without ITK's "ITK ERROR: Class(0x...): " prefix.
std::string one_line(std::string_view description) {
  std::string_view last;
  std::size_t start = 0;
  while (start < description.size()) {
    std::size_t end = description.find('\n', start);
    if (end == std::string_view::npos) end = description.size();
    if (const std::string_view line = trim(description.substr(start, end - start)); !line.empty()) {
      last = line;
    }
    start = end + 1;
  }
  if (const auto prefix_end = last.find("): ");
      last.starts_with("ITK ERROR:") && prefix_end != std::string_view::npos) {
    last.remove_prefix(prefix_end + 3);
  }
  return std::string(last);
}

// The header fields ImageIO interprets and does not hand on: ITK reports a spacing of 1 when the
// header declares none and keeps the compression and data-file fields to itself, so whether they
// are present is read from the header text. Per-frame fields come from ITK's MetaDataDictionary.
struct HeaderText {
  std::map<std::string, std::string, std::less<>> fields;
  // Byte offset of MetaImage pixel data stored in the same file (after the ElementDataFile line).
  std::optional<std::uint64_t> data_offset;
};

HeaderText read_header_text(const std::filesystem::path& path, Container container) {
  HeaderText header;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::uint64_t bytes = 0;
  while (bytes < kMaxHeaderBytes && std::getline(in, line)) {
    bytes += line.size() + 1;
    const std::string_view text = trim(line);
    if (container == Container::kNrrd) {
      if (text.empty()) break;  // the blank line that ends a NRRD header
      if (text.front() == '#' || text.starts_with("NRRD")) continue;
      const auto colon = text.find(':');
      // "key:=value" pairs are ITK's dictionary entries; only "field: value" lines are kept.
      if (colon == std::string_view::npos || text.substr(colon + 1).starts_with('=')) continue;
      header.fields.emplace(trim(text.substr(0, colon)), trim(text.substr(colon + 1)));
    } else {
      const auto equals = text.find('=');
      if (equals == std::string_view::npos) continue;
      const std::string_view key = trim(text.substr(0, equals));
      if (key.starts_with(kFramePrefix)) continue;
      // A key given twice (PLUS writes Kinds twice) has its last value in MetaIO, so here too
      // (found by fuzzing: CompressedData False, then True; the checks took the first and left a
      // truncated zlib stream unchecked, which MetaIO then inflated for ever).
      header.fields.insert_or_assign(std::string(key), std::string(trim(text.substr(equals + 1))));
      if (key == "ElementDataFile") {  // MetaImage headers end here
        header.data_offset = bytes;
        break;
      }
    }
  }
  return header;
}

// ITK 5.2's MetaIO copies each header key into a 255-byte buffer unchecked (a longer key
// overflows it: found by fuzzing, tests/fuzz/regressions/metaimage/) and, without an
// ElementDataFile line, parses the pixel data as header lines. Both are refused before ITK reads.
constexpr std::size_t kMaxMetaIoKeyChars = 254;

// MetaIO reads a data file name holding '%' as a printf pattern and its numbers, "PATTERN MIN MAX
// STEP", and reads past its word array when that is not what follows (found by fuzzing,
// tests/fuzz/regressions/metaimage/). A file name is printable text; a pattern has its numbers.
Status check_data_file_value(std::string_view value) {
  value = trim(value);
  // MetaIO reads "LIST..." as a list of slice files on the following lines and sized a buffer
  // from a file it could not measure (found by fuzzing: 2^63 bytes). PLUS never writes one.
  if (value.size() >= 4 && upper(value.substr(0, 4)) == "LIST") {
    return Status(StatusCode::kUnsupported,
                  "MetaImage ElementDataFile = LIST (a file per slice) is not supported");
  }
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("MetaImage ElementDataFile holds a control character (0x{:02x})",
                                unsigned(byte)));
    }
  }
  if (value.find('%') == std::string_view::npos) return ok_status();
  std::vector<std::string_view> words;
  for (std::size_t start = 0; start < value.size();) {
    const std::size_t end = std::min(value.find_first_of(" \t", start), value.size());
    if (end > start) words.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  const bool numbers =
      words.size() == 4 && parse_count(words[1]) && parse_count(words[2]) && parse_count(words[3]);
  if (!numbers) {
    return Status(StatusCode::kInvalidData,
                  "MetaImage ElementDataFile is a file pattern without its MIN MAX STEP numbers");
  }
  return ok_status();
}

Status check_metaimage_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::uint64_t bytes = 0;
  while (bytes < kMaxHeaderBytes && std::getline(in, line)) {
    bytes += line.size() + 1;
    // MetaIO ends a key at '=', ':' or a line break ('\r' included).
    for (std::string_view rest = line; !rest.empty();) {
      const std::size_t end = std::min(rest.find('\r'), rest.size());
      const std::string_view part = rest.substr(0, end);
      const std::string_view key =
          trim(part.substr(0, std::min(part.find_first_of("=:"), part.size())));
      if (key.size() > kMaxMetaIoKeyChars) {
        return Status(
            StatusCode::kInvalidData,
            fmt::format("MetaImage header key of {} characters, above MetaIO's limit of {} "
                        "(is the ElementDataFile line missing?)",
                        key.size(), kMaxMetaIoKeyChars));
      }
      if (key == "ElementDataFile") {
        // Without a separator on its line, MetaIO looks for one further on, in the pixel data,
        // and reads on from there (found by fuzzing: "ElementDataFile\r" before binary data).
        const std::size_t equals = part.find_first_of("=:");
        if (equals == std::string_view::npos) {
          return Status(StatusCode::kInvalidData,
                        "MetaImage ElementDataFile line has no '=' and no value");
        }
        return check_data_file_value(part.substr(equals + 1));
      }
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
  }
  return Status(StatusCode::kInvalidData, "MetaImage header has no ElementDataFile line");
}

const std::string* field(const HeaderText& header, std::string_view name) {
  const auto it = header.fields.find(name);
  return it == header.fields.end() ? nullptr : &it->second;
}

// ITK 5.2's MetaImageIO reports truncated or corrupt pixel data only on stderr ("data not read
// completely", "Uncompress failed") and returns a buffer padded with zeros, so the data behind a
// MetaImage header is checked here before ITK decodes it.
Status check_raw_size(const std::filesystem::path& data_path, std::uint64_t offset,
                      std::uint64_t expected_bytes) {
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(data_path, error);
  if (error) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("pixel data file {} cannot be read: {}",
                              data_path.filename().string(), error.message()));
  }
  const std::uint64_t present = size > offset ? size - offset : 0;
  if (present < expected_bytes) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("pixel data is truncated: {} of {} bytes present", present, expected_bytes));
  }
  return ok_status();
}

Status check_zlib_stream(const std::filesystem::path& data_path, std::uint64_t offset,
                         std::optional<std::uint64_t> compressed_bytes,
                         std::uint64_t expected_bytes) {
  std::ifstream in(data_path, std::ios::binary);
  in.seekg(std::streamoff(offset));
  if (!in) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("pixel data file {} cannot be read", data_path.filename().string()));
  }
  z_stream stream{};
  // 15 + 32: zlib or gzip framing, detected from the stream header as MetaIO does.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) {
    return Status(StatusCode::kInternal, "zlib could not be initialised");
  }
  std::vector<unsigned char> input(std::size_t{1} << 16);
  std::vector<unsigned char> output(std::size_t{1} << 18);
  std::uint64_t input_left = compressed_bytes.value_or(std::numeric_limits<std::uint64_t>::max());
  int result = Z_OK;
  while (result == Z_OK && stream.total_out <= expected_bytes) {
    if (stream.avail_in == 0) {
      in.read(reinterpret_cast<char*>(input.data()),
              std::streamsize(std::min<std::uint64_t>(input.size(), input_left)));
      const auto got = std::uint64_t(in.gcount());
      if (got == 0) break;
      input_left -= got;
      stream.next_in = input.data();
      stream.avail_in = uInt(got);
    }
    stream.next_out = output.data();
    stream.avail_out = uInt(output.size());
    result = inflate(&stream, Z_NO_FLUSH);
  }
  const std::uint64_t inflated = stream.total_out;
  const std::string zlib_message = stream.msg != nullptr ? stream.msg : "";
  inflateEnd(&stream);
  if (result != Z_OK && result != Z_STREAM_END) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("compressed pixel data is corrupt (zlib: {}) after {} of {} bytes",
                    zlib_message.empty() ? "data error" : zlib_message, inflated, expected_bytes));
  }
  if (inflated < expected_bytes) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("compressed pixel data ends early: {} of {} bytes", inflated, expected_bytes));
  }
  return ok_status();
}

Status check_metaimage_data(const std::filesystem::path& path, const HeaderText& header,
                            std::uint64_t expected_bytes) {
  const std::string* data_file = field(header, "ElementDataFile");
  const std::string* binary = field(header, "BinaryData");
  // ASCII pixel data and multi-file layouts (LIST, printf patterns) are left to ITK.
  if (data_file == nullptr || (binary != nullptr && upper(*binary) != "TRUE") ||
      upper(*data_file) == "LIST" || data_file->find_first_of("% ") != std::string::npos) {
    return ok_status();
  }
  std::filesystem::path data_path = path;
  std::uint64_t offset = 0;
  if (upper(*data_file) == "LOCAL") {
    if (!header.data_offset) return ok_status();
    offset = *header.data_offset;
  } else {
    data_path = path.parent_path() / *data_file;
    if (const std::string* skip = field(header, "HeaderSize")) {
      offset = parse_count(*skip).value_or(0);  // -1 (data at the end) does not parse: no skip
    }
  }
  const std::string* compressed = field(header, "CompressedData");
  if (compressed != nullptr && upper(*compressed) == "TRUE") {
    std::optional<std::uint64_t> compressed_bytes;
    if (const std::string* size = field(header, "CompressedDataSize")) {
      compressed_bytes = parse_count(*size);
    }
    return check_zlib_stream(data_path, offset, compressed_bytes, expected_bytes);
  }
  return check_raw_size(data_path, offset, expected_bytes);
}

std::string codec(Container container, const HeaderText& header) {
  if (container == Container::kMetaImage) {
    const std::string* compressed = field(header, "CompressedData");
    return compressed != nullptr && upper(*compressed) == "TRUE" ? "zlib" : "raw";
  }
  const std::string* encoding = field(header, "encoding");
  if (encoding == nullptr) return {};
  const std::string name = upper(*encoding);
  if (name == "GZ" || name == "GZIP") return "gzip";
  if (name == "BZ2" || name == "BZIP2") return "bzip2";
  if (name == "TXT" || name == "TEXT" || name == "ASCII") return "ascii";
  return squeezed_lower(*encoding);
}

struct FrameFields {
  std::optional<std::string> timestamp;
  std::optional<std::string> status;
};

struct SequenceFields {
  std::vector<FrameFields> frames;
  std::string orientation;
  std::string image_type;
};

// PLUS writes Seq_FrameNNNN_Timestamp for every format, the image status as ..._ImageStatus in
// MetaImage and as ..._Status in NRRD. ITK 5.2 keeps every field it does not interpret, MetaImage
// "Key = Value" lines and NRRD "key:=value" pairs alike, as strings in the dictionary.
SequenceFields read_sequence_fields(const itk::MetaDataDictionary& dictionary,
                                    std::size_t frame_count) {
  SequenceFields fields;
  fields.frames.resize(frame_count);
  for (const std::string& key : dictionary.GetKeys()) {
    std::string value;
    if (!itk::ExposeMetaData<std::string>(dictionary, key, value)) continue;
    value = std::string(trim(value));
    std::string_view name = key;
    if (!name.starts_with(kFramePrefix)) {
      const std::string plain = squeezed_lower(name);
      if (plain == "ultrasoundimageorientation") fields.orientation = value;
      if (plain == "ultrasoundimagetype") fields.image_type = value;
      continue;
    }
    name.remove_prefix(kFramePrefix.size());
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), index);
    if (error != std::errc() || end == name.data() + name.size() || *end != '_' ||
        index >= frame_count) {
      continue;
    }
    const std::string_view frame_field = name.substr(std::size_t(end - name.data()) + 1);
    if (frame_field == "Timestamp") {
      fields.frames[index].timestamp = value;
    } else if (frame_field == "ImageStatus" || frame_field == "Status") {
      fields.frames[index].status = value;
    }
  }
  return fields;
}

struct Geometry {
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t frames = 0;
  unsigned components = 1;
  // A NRRD whose frame axis has the kind "list" (PLUS's 2D+t layout) reaches ITK as one 2D image
  // with a component per frame, returned interleaved per pixel.
  bool frames_interleaved = false;
};

bool has_list_axis(const HeaderText& header) {
  const std::string* kinds = field(header, "kinds");
  if (kinds == nullptr) return false;
  std::string_view rest = *kinds;
  while (!(rest = trim(rest)).empty()) {
    const std::size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    if (squeezed_lower(rest.substr(0, end)) == "list") return true;
    rest.remove_prefix(end);
  }
  return false;
}

Result<Geometry> read_geometry(const itk::ImageIOBase& image_io, Container container,
                               const HeaderText& header) {
  const unsigned dimensions = image_io.GetNumberOfDimensions();
  std::vector<std::uint64_t> sizes;
  for (unsigned d = 0; d < dimensions; ++d) sizes.push_back(image_io.GetDimensions(d));
  Geometry geometry;
  geometry.components = image_io.GetNumberOfComponents();
  geometry.frames_interleaved =
      container == Container::kNrrd && geometry.components > 1 && has_list_axis(header);
  const bool planar = dimensions == 2 || (dimensions == 3 && sizes[2] == 1);
  if (geometry.frames_interleaved && planar) {
    geometry.frames = geometry.components;
    geometry.components = 1;
  } else if (dimensions == 2) {
    geometry.frames = 1;
  } else if (dimensions == 3 && !geometry.frames_interleaved) {
    geometry.frames = sizes[2];
  } else if (dimensions == 4 && sizes[2] == 1) {
    geometry.frames = sizes[3];
  } else {
    return Status(StatusCode::kUnsupported,
                  fmt::format("a {}-dimensional image of size {} is not a sequence of 2D frames",
                              dimensions, fmt::join(sizes, "x")));
  }
  geometry.width = sizes[0];
  geometry.height = sizes[1];
  constexpr auto kIntMax = std::uint64_t(std::numeric_limits<int>::max());
  if (geometry.width > kIntMax || geometry.height > kIntMax || geometry.frames > kIntMax) {
    return Status(StatusCode::kTooLarge,
                  fmt::format("declares {}x{} pixels x {} frames", geometry.width, geometry.height,
                              geometry.frames));
  }
  return geometry;
}

// The OpenCV depth holding ITK's component type, or -1 for types OpenCV has no depth for.
int cv_depth(itk::IOComponentEnum type, std::size_t bytes) {
  using itk::IOComponentEnum;
  switch (type) {
    case IOComponentEnum::UCHAR:
      return CV_8U;
    case IOComponentEnum::CHAR:
      return CV_8S;
    case IOComponentEnum::USHORT:
      return CV_16U;
    case IOComponentEnum::SHORT:
      return CV_16S;
    case IOComponentEnum::INT:
      return bytes == 4 ? CV_32S : -1;
    case IOComponentEnum::FLOAT:
      return CV_32F;
    case IOComponentEnum::DOUBLE:
      return CV_64F;
    default:
      return -1;
  }
}

// One frame of ITK's buffer as row-major samples, gathered first when frames are interleaved.
class FrameBytes {
 public:
  FrameBytes(std::vector<std::byte>& buffer, const Geometry& geometry,
             std::size_t bytes_per_component)
      : buffer_(buffer),
        geometry_(geometry),
        pixel_count_(std::size_t(geometry.width * geometry.height)),
        sample_bytes_(bytes_per_component * geometry.components) {
    if (geometry.frames_interleaved) scratch_.resize(pixel_count_ * sample_bytes_);
  }

  // Row-major samples of frame `index`; valid until the next call.
  std::byte* frame(std::size_t index) {
    const std::size_t frame_bytes = pixel_count_ * sample_bytes_;
    if (!geometry_.frames_interleaved) return buffer_.data() + index * frame_bytes;
    const auto frames = std::size_t(geometry_.frames);
    for (std::size_t p = 0; p < pixel_count_; ++p) {
      std::memcpy(scratch_.data() + p * sample_bytes_,
                  buffer_.data() + (p * frames + index) * sample_bytes_, sample_bytes_);
    }
    return scratch_.data();
  }

 private:
  std::vector<std::byte>& buffer_;
  const Geometry& geometry_;
  std::size_t pixel_count_;
  std::size_t sample_bytes_;
  std::vector<std::byte> scratch_;
};

// 8-bit grey or colour frames convert one by one; wider or signed samples have no display window
// in PLUS files, so the loop's own range is mapped to 8 bits.
Status append_grey(FrameBytes& source, const Geometry& geometry, itk::IOComponentEnum type,
                   std::size_t bytes_per_component, const std::vector<std::size_t>& kept,
                   std::vector<std::uint8_t>& pixels, std::vector<std::string>& warnings) {
  const int depth = cv_depth(type, bytes_per_component);
  const int channels = int(geometry.components);
  if (depth < 0 || (depth == CV_8U && channels != 1 && channels != 3 && channels != 4) ||
      (depth != CV_8U && channels != 1)) {
    return Status(StatusCode::kUnsupported,
                  fmt::format("{} pixels of {} components are not supported",
                              itk::ImageIOBase::GetComponentTypeAsString(type), channels));
  }
  const int rows = int(geometry.height), cols = int(geometry.width);
  if (depth == CV_8U) {
    for (std::size_t index : kept) {
      const cv::Mat image(rows, cols, CV_8UC(channels), source.frame(index));
      DYNAMUS_RETURN_IF_ERROR(append_grey_frame(image, ChannelOrder::kRgb, pixels));
    }
    return ok_status();
  }
  cv::Mat stacked(rows * int(kept.size()), cols, depth);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    cv::Mat(rows, cols, depth, source.frame(kept[k]))
        .copyTo(stacked.rowRange(int(k) * rows, int(k + 1) * rows));
  }
  DYNAMUS_ASSIGN_OR_RETURN(std::string warning, append_rescaled_grey(stacked, pixels));
  warnings.push_back(std::move(warning));
  return ok_status();
}

struct Flip {
  bool x = false;
  bool y = false;
};

// PLUS's UltrasoundImageOrientation: the first letter says whether +x points to the marked (M) or
// unmarked (U) side of the transducer, the second whether +y points far from (F) or near to (N)
// it; a third letter (A/D) orders slices of volumes and does not matter here. The loop's frames are
// MF: x lateral, y depth going down. Without the field PLUS itself assumes MF.
Result<Flip> orientation_flip(const std::string& orientation, std::vector<std::string>& warnings) {
  if (orientation.empty()) return Flip{};
  const std::string code = upper(orientation);
  const auto one_of = [&](std::size_t i, std::string_view letters) {
    return i < code.size() && letters.find(code[i]) != std::string_view::npos;
  };
  const bool well_formed = code.size() == 2 || (code.size() == 3 && one_of(2, "AD"));
  if (well_formed && one_of(0, "MU") && one_of(1, "FN")) {
    const Flip flip{code[0] == 'U', code[1] == 'N'};
    if (flip.x || flip.y) {
      warnings.push_back(fmt::format(
          "UltrasoundImageOrientation {}: frames flipped {} to MF (x lateral, y depth down)",
          orientation,
          flip.x && flip.y ? "left-right and top-bottom"
          : flip.x         ? "left-right"
                           : "top-bottom"));
    }
    return flip;
  }
  if (well_formed && one_of(0, "FN") && one_of(1, "MU")) {
    return Status(StatusCode::kUnsupported,
                  fmt::format("UltrasoundImageOrientation {} stores frames transposed (depth "
                              "along x), which is not supported",
                              orientation));
  }
  warnings.push_back(fmt::format(
      "UltrasoundImageOrientation '{}' is not a known orientation; frames used as stored",
      orientation));
  return Flip{};
}

void apply_flip(const Flip& flip, const Geometry& geometry, std::vector<std::uint8_t>& pixels) {
  if (!flip.x && !flip.y) return;
  const int code = flip.x && flip.y ? -1 : flip.x ? 1 : 0;
  const std::size_t frame_size = std::size_t(geometry.width * geometry.height);
  cv::Mat flipped;
  for (std::size_t offset = 0; offset < pixels.size(); offset += frame_size) {
    cv::Mat frame(int(geometry.height), int(geometry.width), CV_8UC1, pixels.data() + offset);
    cv::flip(frame, flipped, code);
    flipped.copyTo(frame);
  }
}

// PLUS marks frames without valid pixels INVALID (and stores a blank image for them): they are
// dropped, with a warning, and their timestamps go with them.
Result<std::vector<std::size_t>> valid_frames(const SequenceFields& fields,
                                              std::vector<std::string>& warnings) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < fields.frames.size(); ++i) {
    const std::optional<std::string>& status = fields.frames[i].status;
    if (!status || upper(*status) == "OK") kept.push_back(i);
  }
  const std::size_t dropped = fields.frames.size() - kept.size();
  if (kept.empty()) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("all {} frames have an image status other than OK", dropped));
  }
  if (dropped > 0) {
    warnings.push_back(fmt::format(
        "dropped {} of {} frames whose image status is not OK (they hold no valid pixels)", dropped,
        fields.frames.size()));
  }
  return kept;
}

Result<Timing> frame_timing(const SequenceFields& fields, const std::vector<std::size_t>& kept,
                            std::vector<std::string>& warnings) {
  std::vector<std::size_t> missing;
  for (std::size_t index : kept) {
    if (!fields.frames[index].timestamp) missing.push_back(index);
  }
  if (missing.size() == kept.size()) return Timing{};  // load() says so for every format
  if (!missing.empty()) {
    warnings.push_back(fmt::format(
        "frame timestamps missing for {} of {} frames (first: frame {}); frame timing not used",
        missing.size(), kept.size(), missing.front()));
    return Timing{};
  }
  Timing timing;
  timing.source = TimingSource::kFrameTimestamps;
  double first_s = 0.0;
  double previous_s = 0.0;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const std::string& text = *fields.frames[kept[k]].timestamp;
    double t_s = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), t_s);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(t_s)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("frame {} has an unreadable timestamp '{}'", kept[k], text));
    }
    if (k == 0) {
      first_s = t_s;
    } else if (!(t_s > previous_s)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("frame timestamps are not strictly increasing: frame {} at {} s "
                                "follows frame {} at {} s",
                                kept[k], t_s, kept[k - 1], previous_s));
    }
    previous_s = t_s;
    timing.timestamps_s.push_back(t_s - first_s);
  }
  return timing;
}

Calibration read_calibration(const itk::ImageIOBase& image_io, Container container,
                             const HeaderText& header, std::vector<std::string>& warnings) {
  const std::vector<std::string_view> names =
      container == Container::kMetaImage
          ? std::vector<std::string_view>{"ElementSpacing"}
          : std::vector<std::string_view>{"space directions", "spacings"};
  std::string declared;
  for (std::string_view name : names) {
    if (field(header, name) != nullptr) {
      declared = name;
      break;
    }
  }
  if (declared.empty()) return {};
  const std::array<double, 2> spacing_mm{image_io.GetSpacing(0), image_io.GetSpacing(1)};
  for (double s : spacing_mm) {
    if (!std::isfinite(s) || s <= 0.0) {
      warnings.push_back(
          fmt::format("{} gives a pixel spacing of {:g} x {:g} mm, not usable; no "
                      "calibration",
                      declared, spacing_mm[0], spacing_mm[1]));
      return {};
    }
  }
  // PLUS writes 1 x 1 when the image itself is not calibrated (the probe calibration lives in its
  // transforms); no ultrasound image has 1 mm pixels, so this is no calibration at all.
  if (spacing_mm[0] == 1.0 && spacing_mm[1] == 1.0) {
    warnings.push_back(fmt::format(
        "{} 1 x 1 mm is PLUS's placeholder for an uncalibrated image; treated as uncalibrated",
        declared));
    return {};
  }
  Calibration calibration;
  calibration.source = CalibrationSource::kPixelSpacing;
  calibration.spacing_mm = spacing_mm;
  calibration.detail = declared;
  return calibration;
}

void register_factories() {
  static const bool registered = [] {
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::NrrdImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
}

Status itk_status(StatusCode code, std::string_view what, const itk::ExceptionObject& error) {
  const std::string reason = one_line(error.GetDescription());
  // ITK says so when a valid file uses a layout it does not handle (e.g. two non-spatial axes).
  if (reason.find("not currently handled") != std::string::npos ||
      reason.find("not supported") != std::string::npos) {
    code = StatusCode::kUnsupported;
  }
  return Status(code, fmt::format("{}: {}", what, reason));
}

Result<DecodedCine> read(const std::filesystem::path& path, std::uint64_t max_memory_bytes) {
  std::error_code file_error;
  if (!std::filesystem::is_regular_file(path, file_error)) {
    return Status(StatusCode::kNotFound, "file not found");
  }
  register_factories();
  itk::ImageIOBase::Pointer image_io = itk::ImageIOFactory::CreateImageIO(
      path.string().c_str(), itk::CommonEnums::IOFileMode::ReadMode);
  Container container = Container::kMetaImage;
  if (dynamic_cast<itk::NrrdImageIO*>(image_io.GetPointer()) != nullptr) {
    container = Container::kNrrd;
  } else if (dynamic_cast<itk::MetaImageIO*>(image_io.GetPointer()) == nullptr) {
    return Status(StatusCode::kUnreadable, "not a MetaImage or NRRD file ITK can read");
  }
  if (container == Container::kMetaImage) DYNAMUS_RETURN_IF_ERROR(check_metaimage_header(path));
  image_io->SetFileName(path.string());
  try {
    image_io->ReadImageInformation();
  } catch (const itk::ExceptionObject& error) {
    return itk_status(StatusCode::kUnreadable, "header cannot be read", error);
  }

  DecodedCine cine;
  const HeaderText header = read_header_text(path, container);
  DYNAMUS_ASSIGN_OR_RETURN(const Geometry geometry, read_geometry(*image_io, container, header));
  const std::size_t bytes_per_component = image_io->GetComponentSize();
  DYNAMUS_RETURN_IF_ERROR(check_declared_size(geometry.width, geometry.height, geometry.frames,
                                              geometry.components, bytes_per_component,
                                              max_memory_bytes));

  const SequenceFields fields =
      read_sequence_fields(image_io->GetMetaDataDictionary(), std::size_t(geometry.frames));
  if (upper(fields.image_type).starts_with("RF")) {
    return Status(
        StatusCode::kUnsupported,
        fmt::format("UltrasoundImageType {} holds RF data, not B-mode images", fields.image_type));
  }
  DYNAMUS_ASSIGN_OR_RETURN(const Flip flip, orientation_flip(fields.orientation, cine.warnings));
  DYNAMUS_ASSIGN_OR_RETURN(const std::vector<std::size_t> kept,
                           valid_frames(fields, cine.warnings));

  const std::uint64_t buffer_bytes = geometry.width * geometry.height * geometry.frames *
                                     geometry.components * bytes_per_component;
  if (container == Container::kMetaImage) {
    DYNAMUS_RETURN_IF_ERROR(check_metaimage_data(path, header, buffer_bytes));
  }
  std::vector<std::byte> buffer(buffer_bytes);
  itk::ImageIORegion region(image_io->GetNumberOfDimensions());
  for (unsigned d = 0; d < image_io->GetNumberOfDimensions(); ++d) {
    region.SetSize(d, image_io->GetDimensions(d));
  }
  image_io->SetIORegion(region);
  try {
    image_io->Read(buffer.data());
  } catch (const itk::ExceptionObject& error) {
    return itk_status(StatusCode::kInvalidData, "pixel data cannot be read", error);
  }

  FrameBytes source(buffer, geometry, bytes_per_component);
  cine.pixels.reserve(std::size_t(geometry.width * geometry.height) * kept.size());
  DYNAMUS_RETURN_IF_ERROR(append_grey(source, geometry, image_io->GetComponentType(),
                                      bytes_per_component, kept, cine.pixels, cine.warnings));
  apply_flip(flip, geometry, cine.pixels);
  DYNAMUS_ASSIGN_OR_RETURN(cine.timing, frame_timing(fields, kept, cine.warnings));
  cine.calibration = read_calibration(*image_io, container, header, cine.warnings);

  cine.width_px = int(geometry.width);
  cine.height_px = int(geometry.height);
  cine.frame_count = int(kept.size());
  cine.source.format = container == Container::kMetaImage ? "metaimage" : "nrrd";
  cine.source.codec = codec(container, header);
  cine.source.width_px = cine.width_px;
  cine.source.height_px = cine.height_px;
  return cine;
}

}  // namespace

Result<DecodedCine> read_plus_sequence(const std::filesystem::path& path,
                                       std::uint64_t max_memory_bytes) {
  try {
    return read(path, max_memory_bytes);
  } catch (const itk::ExceptionObject& error) {
    return itk_status(StatusCode::kUnreadable, "ITK failed", error);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kTooLarge, "out of memory while reading the sequence");
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, fmt::format("reading failed: {}", error.what()));
  }
}

}  // namespace dynamus::imaging::io
