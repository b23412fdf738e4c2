#include "io/dicom_structure.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmf.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>
#include <fmt/format.h>
#include <gdcmPhotometricInterpretation.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

#include "io/jpeg_header.h"

namespace dynamus::imaging::io {
namespace {

// Values longer than this stay in the file (DCMTK reads them only when asked): the walk holds the
// small attributes only, whatever the lengths say.
constexpr Uint32 kMaxLoadedValueBytes = 4096;

// DCMTK and GDCM parse nested sequences recursively: 100,000 levels (2 MB of file) overflow the
// stack of either. Real data sets nest a few levels.
constexpr std::size_t kMaxNesting = 64;
constexpr std::uint64_t kUndefinedEnd = ~std::uint64_t{0};

std::uint32_t read_u32(const unsigned char* p, bool little) {
  return little ? std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
                      std::uint32_t(p[3]) << 24
                : std::uint32_t(p[3]) | std::uint32_t(p[2]) << 8 | std::uint32_t(p[1]) << 16 |
                      std::uint32_t(p[0]) << 24;
}

// Item depth from the item tags (FFFE,E000) and item delimiters (FFFE,E00D) found in the bytes,
// in either byte order, without parsing anything else: an item of defined length is open until
// its end, one of undefined length until a delimiter. Tags that turn up by chance inside values
// (8 given bytes) open an item that closes where its length says, so they barely count.
Status check_nesting(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  constexpr std::size_t kChunk = std::size_t{1} << 20, kTail = 7;
  std::vector<unsigned char> buffer(kChunk + kTail);
  std::vector<std::uint64_t> open_ends;
  std::uint64_t base = 0;  // file offset of buffer[0]
  std::size_t held = 0;
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data() + held), std::streamsize(kChunk));
    const std::size_t size = held + std::size_t(in.gcount());
    for (std::size_t i = 0; i + 8 <= size; ++i) {
      const unsigned char* p = buffer.data() + i;
      const bool little = p[0] == 0xfe && p[1] == 0xff && p[3] == 0xe0;
      const bool big = p[0] == 0xff && p[1] == 0xfe && p[2] == 0xe0;
      if (!little && !big) continue;
      const unsigned char element = little ? p[2] : p[3];
      if (element != 0x00 && element != 0x0d) continue;
      const std::uint64_t at = base + i;
      while (!open_ends.empty() && open_ends.back() != kUndefinedEnd && open_ends.back() <= at) {
        open_ends.pop_back();
      }
      if (element == 0x0d) {
        while (!open_ends.empty() && open_ends.back() != kUndefinedEnd) open_ends.pop_back();
        if (!open_ends.empty()) open_ends.pop_back();
        continue;
      }
      const std::uint32_t length = read_u32(p + 4, little);
      open_ends.push_back(length == 0xffffffffu ? kUndefinedEnd : at + 8 + length);
      if (open_ends.size() > kMaxNesting) {
        return Status(
            StatusCode::kInvalidData,
            fmt::format("sequence items nested more than {} deep (at byte {})", kMaxNesting, at));
      }
    }
    held = std::min(size, kTail);
    std::memmove(buffer.data(), buffer.data() + size - held, held);
    base += size - held;
  }
  return ok_status();
}

// Binary numbers and sequences: a value of one read as another is garbage, and GDCM asserts
// (aborts) when an attribute it reads has such a VR (found by fuzzing: Samples per Pixel as SL).
bool structural(const DcmVR& vr) {
  switch (vr.getEVR()) {
    case EVR_US:
    case EVR_SS:
    case EVR_xs:
    case EVR_UL:
    case EVR_SL:
    case EVR_FL:
    case EVR_FD:
    case EVR_AT:
    case EVR_SQ:
      return true;
    default:
      return false;
  }
}

// Attributes GDCM reads through gdcm::Attribute while it reads the image, which asserts (aborts)
// on a VR that is not the dictionary's, even between two text VRs (found by fuzzing: Number of
// Frames as AS): the image module and its kin (group 0028) and the ultrasound regions.
bool read_by_gdcm_as_its_vr(const DcmTagKey& key) {
  return key.getGroup() == 0x0028 ||
         (key.getGroup() == 0x0018 && key.getElement() >= 0x6011 && key.getElement() <= 0x6031);
}

// The first standard attribute whose VR in the file contradicts the dictionary in a way that
// matters (see structural() and read_by_gdcm_as_its_vr()), or in an explicit-VR data set (the file
// meta group always is one) no valid VR at all; UN, private and unknown tags are not judged against
// the dictionary.
Status check_vrs(DcmItem& item, bool explicit_vr) {
  DcmStack stack;
  while (item.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    const DcmTagKey key = object->getTag().getXTag();
    // Characters that name no VR: DCMTK guesses a length field, GDCM reads on differently and
    // asserts when that lands on a delimiter (found by fuzzing).
    if (explicit_vr && (object->getVR() == EVR_UNKNOWN || object->getVR() == EVR_UNKNOWN2B)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("{} has no valid VR", key.toString().c_str()));
    }
    if (key.getGroup() == 0xfffe || key.isPrivate()) continue;
    const DcmVR file_vr(object->getVR());
    const DcmVR dictionary_vr = DcmTag(key).getVR();
    if (file_vr.getEVR() == EVR_UN || dictionary_vr.getEVR() == EVR_UNKNOWN ||
        dictionary_vr.getEVR() == EVR_UN || file_vr.isEquivalent(dictionary_vr)) {
      continue;
    }
    if (structural(file_vr) || structural(dictionary_vr) || read_by_gdcm_as_its_vr(key)) {
      return Status(
          StatusCode::kInvalidData,
          fmt::format("{} {} has the VR {} where DICOM says {}", key.toString().c_str(),
                      DcmTag(key).getTagName(), file_vr.getVRName(), dictionary_vr.getVRName()));
    }
  }
  return ok_status();
}

// The items of a sequence of defined length fill exactly that length. DCMTK reads an item that
// runs past its sequence's end without a word, GDCM asserts (found by fuzzing: an item 4 bytes
// longer than its sequence). Sequences or items of undefined length have nothing to add up.
Status check_sequence_lengths(DcmItem& top) {
  DcmStack stack;
  while (top.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    if (object->ident() != EVR_SQ || object->getLengthField() == DCM_UndefinedLength) continue;
    auto* sequence = static_cast<DcmSequenceOfItems*>(object);
    std::uint64_t items_bytes = 0;
    bool all_defined = true;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      const Uint32 item_length = sequence->getItem(i)->getLengthField();
      all_defined = all_defined && item_length != DCM_UndefinedLength;
      items_bytes += 8 + std::uint64_t(item_length);
    }
    if (all_defined && items_bytes != sequence->getLengthField()) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("the items of {} {} take {} bytes; the sequence declares {}",
                                object->getTag().getXTag().toString().c_str(),
                                DcmTag(object->getTag()).getTagName(), items_bytes,
                                sequence->getLengthField()));
    }
  }
  return ok_status();
}

// GDCM asserts (aborts) on image pixel values outside these ranges (found by fuzzing: a Planar
// Configuration of 2); DICOM allows none of them either.
Status check_image_module(DcmDataset& dataset) {
  struct Range {
    const DcmTagKey& key;
    const char* name;
    Uint16 min, max;
  };
  const Range ranges[] = {{DCM_SamplesPerPixel, "Samples per Pixel", 1, 4},
                          {DCM_PlanarConfiguration, "Planar Configuration", 0, 1},
                          {DCM_BitsAllocated, "Bits Allocated", 1, 64},
                          {DCM_PixelRepresentation, "Pixel Representation", 0, 1}};
  for (const Range& range : ranges) {
    Uint16 value = 0;
    if (dataset.findAndGetUint16(range.key, value).good() &&
        (value < range.min || value > range.max)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("{} is {}, not {} to {}", range.name, value, range.min, range.max));
    }
  }
  Uint16 allocated = 0, stored = 0, high_bit = 0;
  if (dataset.findAndGetUint16(DCM_BitsAllocated, allocated).good()) {
    // GDCM asserts on a pixel size that is not whole bytes (found by fuzzing: 47 bits allocated).
    // DICOM allows 1 (bitmaps, not ultrasound) and multiples of 8.
    if (allocated == 1) {
      return Status(StatusCode::kUnsupported, "1-bit pixel data is not supported");
    }
    if (allocated % 8 != 0) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("Bits Allocated is {}, not a multiple of 8", allocated));
    }
    if (dataset.findAndGetUint16(DCM_BitsStored, stored).good() &&
        (stored == 0 || stored > allocated)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("Bits Stored is {} for {} bits allocated", stored, allocated));
    }
    if (dataset.findAndGetUint16(DCM_HighBit, high_bit).good() && high_bit >= allocated) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("High Bit is {} for {} bits allocated", high_bit, allocated));
    }
  }
  return ok_status();
}

// GDCM asserts (aborts) on a Photometric Interpretation it cannot name, on none for colour
// samples, and on palette colour without its three lookup tables (found by fuzzing: "PALETTE"
// without tables). Its own parser (lenient: "PALETTE" is palette colour) decides what the value
// names. Each table needs a descriptor of 3 values (entries, first value, 8 or 16 bits) and
// either its data, entries x bits long, or segmented data.
Status check_photometric(DcmDataset& dataset) {
  OFString text;
  if (dataset.findAndGetOFString(DCM_PhotometricInterpretation, text).bad()) {
    Uint16 samples = 0;
    if (dataset.findAndGetUint16(DCM_SamplesPerPixel, samples).bad() || samples == 1) {
      return ok_status();
    }
    return Status(StatusCode::kInvalidData,
                  fmt::format("no Photometric Interpretation for {} samples per pixel", samples));
  }
  using gdcm::PhotometricInterpretation;
  const PhotometricInterpretation::PIType pi = PhotometricInterpretation::GetPIType(text.c_str());
  if (pi == PhotometricInterpretation::UNKNOWN || pi == PhotometricInterpretation::PI_END) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("Photometric Interpretation \"{}\" is not one DICOM defines", text.c_str()));
  }
  if (pi != PhotometricInterpretation::PALETTE_COLOR) return ok_status();
  const char* colours[] = {"red", "green", "blue"};
  for (Uint16 i = 0; i < 3; ++i) {
    const DcmTagKey descriptor_key(0x0028, Uint16(0x1101 + i));
    Uint16 entries = 0, bits = 0;
    DcmElement* descriptor = nullptr;
    if (dataset.findAndGetElement(descriptor_key, descriptor).bad() || descriptor == nullptr ||
        descriptor->getVM() != 3 || descriptor->getUint16(entries, 0).bad() ||
        descriptor->getUint16(bits, 2).bad() || (bits != 8 && bits != 16)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("palette colour without a {} lookup table descriptor of 3 values "
                                "ending in 8 or 16 bits",
                                colours[i]));
    }
    DcmElement* data = nullptr;
    if (dataset.findAndGetElement(DcmTagKey(0x0028, Uint16(0x1201 + i)), data).good() &&
        data != nullptr) {
      const std::uint64_t expected = (entries == 0 ? 65536u : entries) * std::uint64_t(bits / 8);
      if (data->getLength() != expected) {
        return Status(StatusCode::kInvalidData,
                      fmt::format("the {} palette lookup table holds {} bytes; its descriptor "
                                  "says {}",
                                  colours[i], data->getLength(), expected));
      }
      continue;
    }
    if (dataset.findAndGetElement(DcmTagKey(0x0028, Uint16(0x1221 + i)), data).bad() ||
        data == nullptr || data->getLength() == 0) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("palette colour without {} lookup table data", colours[i]));
    }
  }
  return ok_status();
}

// GDCM takes the pixel spacing of an ultrasound multi-frame image from the first item of the
// Sequence of Ultrasound Regions, reading its Physical Delta X and Y unchecked, and asserts
// (aborts) when the item has no item or either is missing or not one value (found by fuzzing).
// Both are type 1 in every region; the first item is the one GDCM reads.
Status check_ultrasound_regions(DcmDataset& dataset) {
  DcmSequenceOfItems* regions = nullptr;
  if (dataset.findAndGetSequence(DCM_SequenceOfUltrasoundRegions, regions).bad() ||
      regions == nullptr) {
    return ok_status();
  }
  if (regions->card() == 0) {
    return Status(StatusCode::kInvalidData, "the Sequence of Ultrasound Regions has no item");
  }
  DcmItem* first = regions->getItem(0);
  const std::pair<DcmTagKey, const char*> deltas[] = {
      {DCM_PhysicalDeltaX, "Physical Delta X (0018,602C)"},
      {DCM_PhysicalDeltaY, "Physical Delta Y (0018,602E)"}};
  for (const auto& [key, name] : deltas) {
    DcmElement* delta = nullptr;
    if (first == nullptr || first->findAndGetElement(key, delta).bad() || delta == nullptr ||
        delta->getVM() != 1) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("ultrasound region 1 has no single {}", name));
    }
  }
  return ok_status();
}

// The fragments of encapsulated Pixel Data, or null for native or no pixel data.
DcmPixelSequence* encapsulated_fragments(DcmDataset& dataset) {
  DcmElement* element = nullptr;
  DcmPixelSequence* fragments = nullptr;
  // Pixel Data under another VR (UN, say) is another class.
  if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr ||
      element->ident() != EVR_PixelData ||
      static_cast<DcmPixelData*>(element)
          ->getEncapsulatedRepresentation(dataset.getOriginalXfer(), nullptr, fragments)
          .bad()) {
    return nullptr;
  }
  return fragments;
}

// JPEG baseline, extended and lossless frames go through GDCM's IJG codecs, which abort on some
// corrupt frame headers, already while the file is read (jpeg_header.h).
Status check_jpeg_frames(DcmDataset& dataset) {
  switch (dataset.getOriginalXfer()) {
    case EXS_JPEGProcess1:
    case EXS_JPEGProcess2_4:
    case EXS_JPEGProcess3_5:
    case EXS_JPEGProcess6_8:
    case EXS_JPEGProcess10_12:
    case EXS_JPEGProcess14:
    case EXS_JPEGProcess14SV1:
      break;
    default:
      return ok_status();
  }
  DcmPixelSequence* fragments = encapsulated_fragments(dataset);
  if (fragments == nullptr) return ok_status();
  Uint16 rows = 0, columns = 0, samples = 1;
  (void)dataset.findAndGetUint16(DCM_Rows, rows);
  (void)dataset.findAndGetUint16(DCM_Columns, columns);
  // DCMTK zeroes the value of an attribute it does not find.
  if (dataset.findAndGetUint16(DCM_SamplesPerPixel, samples).bad()) samples = 1;
  // Item 0 is the offset table; a fragment not starting with SOI continues the one before.
  for (unsigned long i = 1; i < fragments->card(); ++i) {
    DcmPixelItem* fragment = nullptr;
    Uint8* bytes = nullptr;
    if (fragments->getItem(fragment, i).bad() || fragment->getUint8Array(bytes).bad() ||
        bytes == nullptr) {
      continue;
    }
    const Status status = check_jpeg_header(
        std::string_view(reinterpret_cast<const char*>(bytes), fragment->getLength()), columns,
        rows, samples);
    if (!status.ok()) {
      return Status(status.code(), fmt::format("fragment {}: {}", i, status.message()));
    }
  }
  return ok_status();
}

// GDCM reads the delimiter that ends encapsulated Pixel Data as a fragment, allocating (and
// zeroing) the length it declares, up to 4 GB (found by fuzzing); DICOM says that length is 0.
// Pixel Data is the last element, so its delimiter is the file's last 8 bytes (little endian, as
// every encapsulated transfer syntax is).
Status check_pixel_data_delimiter(DcmDataset& dataset, const std::filesystem::path& path) {
  if (encapsulated_fragments(dataset) == nullptr) return ok_status();
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  unsigned char last[8] = {};
  if (!in || in.tellg() < std::streamoff(sizeof last)) return ok_status();
  in.seekg(-std::streamoff(sizeof last), std::ios::end);
  if (!in.read(reinterpret_cast<char*>(last), sizeof last)) return ok_status();
  const bool delimiter = last[0] == 0xfe && last[1] == 0xff && last[2] == 0xdd && last[3] == 0xe0;
  const std::uint32_t length = read_u32(last + 4, true);
  if (delimiter && length != 0) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("the delimiter ending the Pixel Data declares {} bytes, not 0", length));
  }
  return ok_status();
}

// After the preamble and "DICM" the file meta group (0002) comes first. GDCM, not finding it there,
// reads the file in another mode (and asserted on a delimiter inside the pixel data); DCMTK finds
// the meta elements further on (found by fuzzing: the group length's tag mutated to (0402,0000)).
Status check_meta_group_first(const std::filesystem::path& path) {
  constexpr std::size_t kPreambleBytes = 128;
  unsigned char head[kPreambleBytes + 8] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(head), sizeof head) ||
      std::memcmp(head + kPreambleBytes, "DICM", 4) != 0) {
    return ok_status();
  }
  const unsigned group = head[kPreambleBytes + 4] | unsigned(head[kPreambleBytes + 5]) << 8;
  const unsigned element = head[kPreambleBytes + 6] | unsigned(head[kPreambleBytes + 7]) << 8;
  if (group == 0x0002) return ok_status();
  return Status(StatusCode::kInvalidData,
                fmt::format("the file meta information does not start after \"DICM\": the "
                            "first element is ({:04X},{:04X})",
                            group, element));
}

}  // namespace

Status check_dicom_structure(const std::filesystem::path& path) {
  // The reason reaches the user in the Status; DCMTK's log would repeat it on stderr.
  static const bool quiet = [] {
    OFLog::getLogger("dcmtk.dcmdata").setLogLevel(OFLogger::OFF_LOG_LEVEL);
    return true;
  }();
  (void)quiet;
  if (!dcmDataDict.isDictionaryLoaded()) {
    return Status(StatusCode::kInternal, "the DCMTK data dictionary is not installed");
  }
  DYNAMUS_RETURN_IF_ERROR(check_nesting(path));
  DYNAMUS_RETURN_IF_ERROR(check_meta_group_first(path));
  // loadFile() by hand, to see where the parse stopped.
  DcmInputFileStream stream{OFFilename(path.c_str())};
  if (stream.status().bad()) {
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot open the file: {}", stream.status().text()));
  }
  DcmFileFormat file;
  file.transferInit();
  const OFCondition condition = file.read(stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueBytes);
  file.transferEnd();
  if (condition == EC_StreamNotifyClient) {  // the stream ended where an element still goes on
    return Status(StatusCode::kInvalidData,
                  "truncated: the file ends inside an element its header declares");
  }
  if (condition.bad()) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("broken DICOM structure: {}", condition.text()));
  }
  // GDCM reads the file meta group on until a tag of another group, and asserts (aborts) when
  // the file ends first (found by fuzzing); such a file holds no image either.
  if (file.getDataset()->card() == 0) {
    return Status(StatusCode::kInvalidData, "no data set after the file meta information");
  }
  // DCMTK ends the data set at an item delimiter that closes no item; GDCM reads on, through
  // elements none of these checks have seen (found by fuzzing: one then declared 3.9 GB).
  if (!stream.eos()) {
    std::error_code error;
    return Status(StatusCode::kInvalidData,
                  fmt::format("the data set ends at byte {} of {}, at a delimiter that closes no "
                              "item",
                              std::uint64_t(stream.tell()),
                              std::uint64_t(std::filesystem::file_size(path, error))));
  }
  DYNAMUS_RETURN_IF_ERROR(check_vrs(*file.getMetaInfo(), true));
  DYNAMUS_RETURN_IF_ERROR(
      check_vrs(*file.getDataset(), DcmXfer(file.getDataset()->getOriginalXfer()).isExplicitVR()));
  DYNAMUS_RETURN_IF_ERROR(check_sequence_lengths(*file.getDataset()));
  DYNAMUS_RETURN_IF_ERROR(check_image_module(*file.getDataset()));
  DYNAMUS_RETURN_IF_ERROR(check_photometric(*file.getDataset()));
  DYNAMUS_RETURN_IF_ERROR(check_ultrasound_regions(*file.getDataset()));
  DYNAMUS_RETURN_IF_ERROR(check_pixel_data_delimiter(*file.getDataset(), path));
  return check_jpeg_frames(*file.getDataset());
}

}  // namespace dynamus::imaging::io
