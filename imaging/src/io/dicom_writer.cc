// US Multi-frame Image Storage through DCMTK: the loop's frames, timing and calibration in the
// attributes dynamus (and any DICOM viewer) reads back.
#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "dynamus/core/atomic_file.h"
#include "dynamus/core/version.h"
#include "dynamus/imaging/dicom_uid.h"
#include "dynamus/imaging/write.h"

namespace dynamus::imaging {
namespace {

constexpr double kMmPerCm = 10.0;
constexpr double kMsPerSecond = 1000.0;
// Frame intervals closer than this to the median count as uniform: a Frame Time says it all.
constexpr double kUniformIntervalToleranceS = 1e-6;
constexpr std::size_t kMaxDecimalStringChars = 16;  // DS
// Frame Time Vector resolution: 0.1 us, written as ms with up to 4 decimals.
constexpr double kFrameTimeTickS = 1e-7;
constexpr long long kTicksPerMs = 10000;
constexpr int kTickDecimalsInMs = 4;
// Explicit VR gives DS elements a 16-bit length.
constexpr std::size_t kMaxShortElementBytes = 65534;
constexpr int kMaxMatrixSize = 65535;  // Rows and Columns are US
// Native pixel data has an explicit 32-bit even length; 0xFFFFFFFF means undefined.
constexpr std::uint64_t kMaxPixelDataBytes = 0xFFFFFFFEu;
// Sequence of Ultrasound Regions codes (PS3.3 C.8.5.5.1).
constexpr Uint16 kSpatialFormat2d = 1;
constexpr Uint16 kDataTypeTissue = 1;
constexpr Uint16 kPhysicalUnitsCm = 3;
// Transfer syntaxes whose decoding does not give back the scanner's pixels: JPEG baseline and
// extended, JPEG-LS near-lossless, JPEG 2000 (possibly lossy), MPEG-2/4 and HEVC.
constexpr std::string_view kLossyTransferSyntaxes[] = {
    "1.2.840.10008.1.2.4.50",  "1.2.840.10008.1.2.4.51",  "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.91",  "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101",
    "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104",
    "1.2.840.10008.1.2.4.105", "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107",
    "1.2.840.10008.1.2.4.108"};

Status dcmtk_status(const OFCondition& condition, std::string_view what) {
  if (condition.good()) return ok_status();
  return Status(StatusCode::kInternal,
                fmt::format("DCMTK cannot set {}: {}", what, condition.text()));
}

// The shortest decimal string (DS, at most 16 characters) as close to `value` as DS allows.
std::string decimal_string(double value) {
  for (int precision = 15;; --precision) {
    std::string text = fmt::format("{:.{}g}", value, precision);
    if (text.size() <= kMaxDecimalStringChars) return text;
  }
}

// Characters of UTF-8 text: the bytes that do not continue a multi-byte sequence.
std::size_t character_count(std::string_view text) {
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// The longest piece of a value that DICOM's length limit applies to: a person name's limit is per
// component group (alphabetic=ideographic=phonetic).
std::size_t limited_length(std::string_view value, const DcmVR& vr) {
  if (vr.getEVR() != EVR_PN) return vr.isLengthInChar() ? character_count(value) : value.size();
  std::size_t longest = 0;
  for (std::size_t start = 0; start <= value.size();) {
    const std::size_t end = std::min(value.find('=', start), value.size());
    longest = std::max(longest, character_count(value.substr(start, end - start)));
    start = end + 1;
  }
  return longest;
}

// A value the caller supplied, checked against its VR (one value, length, characters, date or
// time format), so that bad input is refused rather than written into an invalid file. DCMTK's
// checkValue() does not check lengths, hence the explicit check.
Status put_checked(DcmItem& item, const DcmTagKey& key, const std::string& value,
                   std::string_view name) {
  DYNAMUS_RETURN_IF_ERROR(dcmtk_status(item.putAndInsertString(key, value.c_str()), name));
  DcmElement* element = nullptr;
  DYNAMUS_RETURN_IF_ERROR(dcmtk_status(item.findAndGetElement(key, element), name));
  const DcmVR vr(element->getVR());
  if (!value.empty() &&
      (element->checkValue("1").bad() || limited_length(value, vr) > vr.getMaxValueLength())) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("{} '{}' is not a valid DICOM {} value (at most {} characters)", name,
                              value, vr.getVRName(), vr.getMaxValueLength()));
  }
  return ok_status();
}

// Attributes whose values are fixed by this writer.
Status put(DcmItem& item, const DcmTagKey& key, const std::string& value) {
  return dcmtk_status(item.putAndInsertString(key, value.c_str()), DcmTag(key).getTagName());
}

Status put(DcmItem& item, const DcmTagKey& key, Uint16 value) {
  return dcmtk_status(item.putAndInsertUint16(key, value), DcmTag(key).getTagName());
}

Result<std::string> resolve_uid(const std::string& given, const std::string& seed,
                                std::string_view suffix, std::string_view name) {
  if (!given.empty()) {
    if (!is_valid_uid(given)) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{} '{}' is not a valid DICOM UID", name, given));
    }
    return given;
  }
  if (seed.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("{} is empty and there is no uid_seed to derive it from", name));
  }
  return uid_from_seed(seed + std::string(suffix));
}

bool has_non_ascii(const DicomCineIdentity& identity) {
  for (const std::string* text :
       {&identity.patient_name, &identity.patient_id, &identity.study_description,
        &identity.series_description, &identity.manufacturer, &identity.institution}) {
    if (std::any_of(text->begin(), text->end(),
                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      return true;
    }
  }
  return false;
}

bool uniform_intervals(const std::vector<double>& t, double interval_s) {
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (std::abs(t[i] - t[i - 1] - interval_s) > kUniformIntervalToleranceS) return false;
  }
  return true;
}

// Frame Time Vector entries: the time since the previous frame in ms, the first 0. The intervals
// are differences of the timestamps counted in whole ticks, so rounding does not accumulate over
// the loop, and short (which matters: the whole element has a 16-bit length).
Result<std::string> frame_time_vector_ms(const std::vector<double>& t) {
  std::string vector_ms = "0";
  long long previous_ticks = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    // Frames less than a tick apart (never seen in practice) still get a positive interval.
    const long long ticks = std::max(std::llround(t[i] / kFrameTimeTickS), previous_ticks + 1);
    const long long interval = ticks - previous_ticks;
    std::string entry =
        fmt::format("{}.{:0{}}", interval / kTicksPerMs, interval % kTicksPerMs, kTickDecimalsInMs);
    entry.erase(entry.find_last_not_of('0') + 1);
    if (entry.back() == '.') entry.pop_back();
    vector_ms += "\\" + entry;
    previous_ticks = ticks;
  }
  if (vector_ms.size() > kMaxShortElementBytes) {
    return Status(StatusCode::kUnsupported,
                  fmt::format("the Frame Time Vector of {} unevenly timed frames exceeds DICOM's "
                              "{}-byte element length",
                              t.size(), kMaxShortElementBytes));
  }
  return vector_ms;
}

bool known_lossy(const SourceInfo& source) {
  return source.format == "video" ||
         std::find(std::begin(kLossyTransferSyntaxes), std::end(kLossyTransferSyntaxes),
                   source.transfer_syntax_uid) != std::end(kLossyTransferSyntaxes);
}

Status check_writable(const CineLoop& loop) {
  const Calibration& calibration = loop.calibration();
  if (!calibration.spacing_mm) {
    return Status(StatusCode::kInvalidArgument,
                  "the loop has no calibration; DICOM ultrasound regions need a spacing");
  }
  if (!calibration.trusted) {
    return Status(StatusCode::kInvalidArgument,
                  "the loop's calibration is untrusted; writing it as an ultrasound region would "
                  "present it as reliable");
  }
  if (!loop.fps()) {
    return Status(StatusCode::kInvalidArgument,
                  "the loop has no frame rate (no timing, or a single frame)");
  }
  if (loop.width_px() > kMaxMatrixSize || loop.height_px() > kMaxMatrixSize) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("{}x{} frames exceed DICOM's {} rows or columns", loop.width_px(),
                              loop.height_px(), kMaxMatrixSize));
  }
  if (loop.pixels().size() > kMaxPixelDataBytes) {
    return Status(StatusCode::kTooLarge,
                  fmt::format("{} bytes of pixels exceed what uncompressed DICOM holds (4 GiB)",
                              loop.pixels().size()));
  }
  return ok_status();
}

Status put_identity(DcmDataset& dataset, const DicomCineIdentity& identity) {
  if (has_non_ascii(identity)) {
    DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SpecificCharacterSet, "ISO_IR 192"));
  }
  DYNAMUS_ASSIGN_OR_RETURN(
      const std::string study_uid,
      resolve_uid(identity.study_uid, identity.uid_seed, "/study", "study_uid"));
  DYNAMUS_ASSIGN_OR_RETURN(
      const std::string series_uid,
      resolve_uid(identity.series_uid, identity.uid_seed, "/series", "series_uid"));
  DYNAMUS_ASSIGN_OR_RETURN(
      const std::string instance_uid,
      resolve_uid(identity.instance_uid, identity.uid_seed, "/instance", "instance_uid"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SOPClassUID, UID_UltrasoundMultiframeImageStorage));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SOPInstanceUID, instance_uid));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_StudyInstanceUID, study_uid));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SeriesInstanceUID, series_uid));

  // Patient: type 2 attributes are present even when empty.
  DYNAMUS_RETURN_IF_ERROR(
      put_checked(dataset, DCM_PatientName, identity.patient_name, "patient_name"));
  DYNAMUS_RETURN_IF_ERROR(put_checked(dataset, DCM_PatientID, identity.patient_id, "patient_id"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientBirthDate, ""));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientSex, ""));

  // General Study: the study date and time are the content's, this being a one-image study.
  DYNAMUS_RETURN_IF_ERROR(
      put_checked(dataset, DCM_StudyDate, identity.content_date, "content_date"));
  DYNAMUS_RETURN_IF_ERROR(
      put_checked(dataset, DCM_StudyTime, identity.content_time, "content_time"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_ReferringPhysicianName, ""));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_StudyID, ""));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_AccessionNumber, ""));
  if (!identity.study_description.empty()) {
    DYNAMUS_RETURN_IF_ERROR(put_checked(dataset, DCM_StudyDescription, identity.study_description,
                                        "study_description"));
  }

  // General Series and General Equipment.
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Modality, "US"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SeriesNumber, "1"));
  // Type 2C for paired body parts; which side was scanned is not known here.
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Laterality, ""));
  if (!identity.series_description.empty()) {
    DYNAMUS_RETURN_IF_ERROR(put_checked(dataset, DCM_SeriesDescription, identity.series_description,
                                        "series_description"));
  }
  DYNAMUS_RETURN_IF_ERROR(
      put_checked(dataset, DCM_Manufacturer, identity.manufacturer, "manufacturer"));
  if (!identity.institution.empty()) {
    DYNAMUS_RETURN_IF_ERROR(
        put_checked(dataset, DCM_InstitutionName, identity.institution, "institution"));
  }
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SoftwareVersions, std::string("dynamus ") + kVersion));

  // General Image.
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_InstanceNumber, "1"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientOrientation, ""));
  if (!identity.content_date.empty()) {
    DYNAMUS_RETURN_IF_ERROR(
        put_checked(dataset, DCM_ContentDate, identity.content_date, "content_date"));
  }
  if (!identity.content_time.empty()) {
    DYNAMUS_RETURN_IF_ERROR(
        put_checked(dataset, DCM_ContentTime, identity.content_time, "content_time"));
  }
  return ok_status();
}

// Image Pixel, Multi-frame, Cine and US Image attributes, and the pixels.
Status put_image(DcmDataset& dataset, const CineLoop& loop) {
  // A loop read from a file (load() records its checksum) was converted to grey and maybe cropped:
  // derived. One made in memory, as by the phantom, is original. Value 4 is the US image type bit
  // mask: 0001 = 2D imaging.
  const char* const derivation = loop.source().sha256.empty() ? "ORIGINAL" : "DERIVED";
  DYNAMUS_RETURN_IF_ERROR(
      put(dataset, DCM_ImageType, fmt::format("{}\\PRIMARY\\MUSCULOSKELETAL\\0001", derivation)));
  if (known_lossy(loop.source())) {
    DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_LossyImageCompression, "01"));
  }
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SamplesPerPixel, Uint16{1}));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PhotometricInterpretation, "MONOCHROME2"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Rows, Uint16(loop.height_px())));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Columns, Uint16(loop.width_px())));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_BitsAllocated, Uint16{8}));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_BitsStored, Uint16{8}));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_HighBit, Uint16{7}));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PixelRepresentation, Uint16{0}));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_NumberOfFrames, std::to_string(loop.frame_count())));

  const std::vector<double>& t = loop.timing().timestamps_s;
  const double frame_interval_s = 1.0 / *loop.fps();  // the median interval
  const bool uniform = uniform_intervals(t, frame_interval_s);
  // Frame Time and Frame Time Vector are each present only when the increment pointer names them.
  if (uniform) {
    DYNAMUS_RETURN_IF_ERROR(
        put(dataset, DCM_FrameTime, decimal_string(frame_interval_s * kMsPerSecond)));
  } else {
    DYNAMUS_ASSIGN_OR_RETURN(const std::string vector_ms, frame_time_vector_ms(t));
    DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_FrameTimeVector, vector_ms));
  }
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.putAndInsertTagKey(DCM_FrameIncrementPointer,
                                              uniform ? DCM_FrameTime : DCM_FrameTimeVector),
                   "Frame Increment Pointer"));
  // Cine Rate is an integer: written only when it rounds to a rate.
  if (const long cine_rate = std::lround(*loop.fps()); cine_rate >= 1) {
    DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_CineRate, std::to_string(cine_rate)));
  }

  const std::span<const std::uint8_t> pixels = loop.pixels();
  return dcmtk_status(dataset.putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size()),
                      "Pixel Data");
}

// One 2D tissue region over the whole frame; deltas in cm per pixel.
Status put_region(DcmDataset& dataset, const CineLoop& loop) {
  DcmItem* region = nullptr;
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, region, -2),
                   "Sequence of Ultrasound Regions"));
  const std::array<double, 2>& spacing_mm = *loop.calibration().spacing_mm;
  DYNAMUS_RETURN_IF_ERROR(put(*region, DCM_RegionSpatialFormat, kSpatialFormat2d));
  DYNAMUS_RETURN_IF_ERROR(put(*region, DCM_RegionDataType, kDataTypeTissue));
  for (const auto& [key, value] :
       {std::pair{DCM_RegionFlags, Uint32{0}}, std::pair{DCM_RegionLocationMinX0, Uint32{0}},
        std::pair{DCM_RegionLocationMinY0, Uint32{0}},
        std::pair{DCM_RegionLocationMaxX1, Uint32(loop.width_px() - 1)},
        std::pair{DCM_RegionLocationMaxY1, Uint32(loop.height_px() - 1)}}) {
    DYNAMUS_RETURN_IF_ERROR(
        dcmtk_status(region->putAndInsertUint32(key, value), DcmTag(key).getTagName()));
  }
  DYNAMUS_RETURN_IF_ERROR(put(*region, DCM_PhysicalUnitsXDirection, kPhysicalUnitsCm));
  DYNAMUS_RETURN_IF_ERROR(put(*region, DCM_PhysicalUnitsYDirection, kPhysicalUnitsCm));
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(region->putAndInsertFloat64(DCM_PhysicalDeltaX, spacing_mm[0] / kMmPerCm),
                   "Physical Delta X"));
  return dcmtk_status(region->putAndInsertFloat64(DCM_PhysicalDeltaY, spacing_mm[1] / kMmPerCm),
                      "Physical Delta Y");
}

Status build(DcmFileFormat& file, const CineLoop& loop, const DicomCineIdentity& identity) {
  if (!dcmDataDict.isDictionaryLoaded()) {
    return Status(StatusCode::kInternal,
                  "DCMTK's data dictionary is not loaded (is DCMDICTPATH set correctly?)");
  }
  DcmDataset& dataset = *file.getDataset();
  DYNAMUS_RETURN_IF_ERROR(put_identity(dataset, identity));
  DYNAMUS_RETURN_IF_ERROR(put_image(dataset, loop));
  return put_region(dataset, loop);
}

}  // namespace

Status write_dicom(const CineLoop& loop, const DicomCineIdentity& identity,
                   const std::filesystem::path& path) {
  const std::string context = path.string();
  try {
    DYNAMUS_RETURN_IF_ERROR(check_writable(loop).with_context(context));
    // The data set is built before the temporary exists, so refused identities leave no trace.
    DcmFileFormat file;
    DYNAMUS_RETURN_IF_ERROR(build(file, loop, identity).with_context(context));
    return write_file_atomically(path, [&](const std::filesystem::path& temporary) -> Status {
      const OFCondition saved = file.saveFile(temporary.c_str(), EXS_LittleEndianExplicit,
                                              EET_ExplicitLength, EGL_recalcGL);
      if (saved.bad()) {
        return Status(StatusCode::kUnreadable,
                      fmt::format("cannot write the DICOM file: {}", saved.text()));
      }
      return ok_status();
    });
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kTooLarge, "out of memory while writing DICOM", context);
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, fmt::format("DICOM writing failed: {}", error.what()),
                  context);
  }
}

}  // namespace dynamus::imaging
