#include "io/dicom_structure.h"

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmf.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include "io/byte_order.h"
#include "io/dicom_image_checks.h"

namespace dynamus::imaging::io {
namespace {

// Values longer than this stay in the file (DCMTK reads them only when asked): the walk holds the
// small attributes only, whatever the lengths say.
constexpr Uint32 kMaxLoadedValueBytes = 4096;

// DCMTK and GDCM parse nested sequences recursively: 100,000 levels (2 MB of file) overflow the
// stack of either. Real data sets nest a few levels.
constexpr std::size_t kMaxNesting = 64;
constexpr std::uint64_t kUndefinedEnd = ~std::uint64_t{0};

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
// longer than its sequence, and an item of undefined length whose delimiter never came, so that
// it held the rest of the file). An item of undefined length takes at least its elements, each of
// their sequences of defined length, and its delimiter: more than the sequence declares is refused
// too.
Status check_sequence_lengths(DcmDataset& top) {
  const E_TransferSyntax xfer = top.getOriginalXfer();
  DcmStack stack;
  while (top.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    if (object->ident() != EVR_SQ || object->getLengthField() == DCM_UndefinedLength) continue;
    auto* sequence = static_cast<DcmSequenceOfItems*>(object);
    std::uint64_t items_bytes = 0;
    bool all_defined = true;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      DcmItem* item = sequence->getItem(i);
      const Uint32 item_length = item->getLengthField();
      if (item_length != DCM_UndefinedLength) {
        items_bytes += 8 + std::uint64_t(item_length);
        continue;
      }
      all_defined = false;
      items_bytes += std::uint64_t(item->calcElementLength(xfer, EET_ExplicitLength)) + 8;
    }
    if (all_defined ? items_bytes != sequence->getLengthField()
                    : items_bytes > sequence->getLengthField()) {
      return Status(
          StatusCode::kInvalidData,
          fmt::format("the items of {} {} take {}{} bytes; the sequence declares {}",
                      object->getTag().getXTag().toString().c_str(),
                      DcmTag(object->getTag()).getTagName(), all_defined ? "" : "at least ",
                      items_bytes, sequence->getLengthField()));
    }
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
  return check_image_attributes(*file.getDataset(), path);
}

}  // namespace dynamus::imaging::io
