#include "io/dicom_image_checks.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <fmt/format.h>
#include <gdcmPhotometricInterpretation.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string_view>
#include <utility>

#include "io/byte_order.h"
#include "io/jpeg_header.h"
#include "io/rle_frame.h"

namespace dynamus::imaging::io {
namespace {

// GDCM takes a Recognition Code (0008,0010), retired since ACR-NEMA, as a sign of an ACR-NEMA
// file and asserts (aborts) that its value starts with "ACR-NEMA", "ACRNEMA" or "MIPS 2.0" (found
// by fuzzing). It judges every value that is not empty, spaces only included.
Status check_recognition_code(DcmDataset& dataset) {
  DcmElement* element = nullptr;
  if (dataset.findAndGetElement(DCM_RETIRED_RecognitionCode, element).bad() || element == nullptr ||
      element->getLengthField() == 0) {
    return ok_status();
  }
  OFString text;  // DCMTK trims the padding
  if (element->getOFStringArray(text).good()) {
    for (const char* known : {"ACR-NEMA", "ACRNEMA", "MIPS 2.0"}) {
      if (text.compare(0, std::strlen(known), known) == 0) return ok_status();
    }
  }
  return Status(
      StatusCode::kInvalidData,
      fmt::format("Recognition Code (0008,0010) is \"{}\", not an ACR-NEMA version", text.c_str()));
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

// Runs `check` on each fragment of encapsulated Pixel Data after the offset table (item 0), and
// names the fragment in its error. DCMTK reads each from the file as it is asked for.
template <typename Check>
Status check_each_fragment(DcmPixelSequence& fragments, Check check) {
  for (unsigned long i = 1; i < fragments.card(); ++i) {
    DcmPixelItem* fragment = nullptr;
    Uint8* bytes = nullptr;
    if (fragments.getItem(fragment, i).bad() || fragment->getUint8Array(bytes).bad() ||
        bytes == nullptr) {
      continue;
    }
    const Status status =
        check(std::string_view(reinterpret_cast<const char*>(bytes), fragment->getLength()));
    fragment->compact();  // holds one fragment at a time, not the whole pixel data
    if (!status.ok()) {
      return Status(status.code(), fmt::format("fragment {}: {}", i, status.message()));
    }
  }
  return ok_status();
}

struct ImageSize {
  Uint16 rows = 0, columns = 0, samples = 1, bits_allocated = 0;
};

ImageSize image_size(DcmDataset& dataset) {
  ImageSize size;
  (void)dataset.findAndGetUint16(DCM_Rows, size.rows);
  (void)dataset.findAndGetUint16(DCM_Columns, size.columns);
  (void)dataset.findAndGetUint16(DCM_BitsAllocated, size.bits_allocated);
  // DCMTK zeroes the value of an attribute it does not find.
  if (dataset.findAndGetUint16(DCM_SamplesPerPixel, size.samples).bad()) size.samples = 1;
  return size;
}

// JPEG baseline, extended and lossless frames go through GDCM's IJG codecs, which abort on some
// corrupt frame headers, already while the file is read (jpeg_header.h). A fragment not starting
// with SOI continues the one before.
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
  const ImageSize size = image_size(dataset);
  return check_each_fragment(*fragments, [&](std::string_view bytes) {
    return check_jpeg_header(bytes, size.columns, size.rows, size.samples);
  });
}

// RLE Lossless frames, one fragment each, go through GDCM's RLE codec, which reads them unchecked
// (rle_frame.h) and asserts on sample layouts other than 1 or 3 samples of 8, 16 or 32 bits. Each
// byte of a sample is a segment of Rows x Columns bytes.
Status check_rle_frames(DcmDataset& dataset) {
  if (dataset.getOriginalXfer() != EXS_RLELossless) return ok_status();
  DcmPixelSequence* fragments = encapsulated_fragments(dataset);
  if (fragments == nullptr) return ok_status();
  const ImageSize size = image_size(dataset);
  if ((size.samples != 1 && size.samples != 3) ||
      (size.bits_allocated != 8 && size.bits_allocated != 16 && size.bits_allocated != 32)) {
    return Status(StatusCode::kUnsupported,
                  fmt::format("RLE Lossless with {} samples of {} bits allocated is not supported",
                              size.samples, size.bits_allocated));
  }
  const std::uint32_t segments = std::uint32_t(size.samples) * (size.bits_allocated / 8u);
  const std::uint64_t plane_bytes = std::uint64_t(size.rows) * size.columns;
  return check_each_fragment(*fragments, [&](std::string_view frame) {
    return check_rle_frame(frame, segments, plane_bytes);
  });
}

// An overlay without Overlay Data (60xx,3000) lies in the unused bits of the pixel data. GDCM
// extracts it reading Overlay Rows x Columns pixels unchecked: an overlay larger than the image
// reads past the pixel data (SIGSEGV, found by hand after CVE-2025-52582) or fails to allocate.
Status check_overlays_in_pixel_data(DcmDataset& dataset) {
  const ImageSize size = image_size(dataset);
  for (Uint16 group = 0x6000; group <= 0x601e; group += 2) {
    Uint16 rows = 0, columns = 0;
    if (dataset.findAndGetUint16(DcmTagKey(group, 0x0010), rows).bad() ||
        dataset.findAndGetUint16(DcmTagKey(group, 0x0011), columns).bad() ||
        dataset.tagExists(DcmTagKey(group, 0x3000))) {
      continue;
    }
    if (std::uint64_t(rows) * columns > std::uint64_t(size.rows) * size.columns) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("the overlay in group {:04X} is {}x{} in the pixel data of a {}x{} "
                                "image",
                                group, columns, rows, size.columns, size.rows));
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
  const std::uint32_t length = read_u32(last + 4, /*little=*/true);
  if (delimiter && length != 0) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("the delimiter ending the Pixel Data declares {} bytes, not 0", length));
  }
  return ok_status();
}

}  // namespace

Status check_image_attributes(DcmDataset& dataset, const std::filesystem::path& path) {
  DYNAMUS_RETURN_IF_ERROR(check_recognition_code(dataset));
  DYNAMUS_RETURN_IF_ERROR(check_image_module(dataset));
  DYNAMUS_RETURN_IF_ERROR(check_photometric(dataset));
  DYNAMUS_RETURN_IF_ERROR(check_ultrasound_regions(dataset));
  DYNAMUS_RETURN_IF_ERROR(check_overlays_in_pixel_data(dataset));
  DYNAMUS_RETURN_IF_ERROR(check_pixel_data_delimiter(dataset, path));
  DYNAMUS_RETURN_IF_ERROR(check_jpeg_frames(dataset));
  return check_rle_frames(dataset);
}

}  // namespace dynamus::imaging::io
