// DICOM through GDCM: any transfer syntax GDCM 3.0 decodes, every photometric interpretation seen
// in ultrasound, reduced to 8-bit grey frames; calibration from the ultrasound regions, timing from
// the frame-time attributes.
#include <fmt/format.h>
#include <gdcmAttribute.h>
#include <gdcmImageApplyLookupTable.h>
#include <gdcmImageReader.h>
#include <gdcmMediaStorage.h>
#include <gdcmStringFilter.h>
#include <gdcmTransferSyntax.h>
#include <gdcmUIDs.h>

#include <cmath>
#include <exception>
#include <opencv2/core.hpp>
#include <sstream>

#include "io/decoded_cine.h"
#include "io/dicom_regions.h"
#include "io/dicom_structure.h"
#include "io/grey_frames.h"

namespace dynamus::imaging::io {
namespace {

constexpr double kMsPerSecond = 1000.0;
// Region and Pixel Spacing calibrations that disagree by more than this are worth a warning.
constexpr double kSpacingAgreement = 0.01;

// Top-level attributes of the data set as text or numbers, whatever their VR and byte order.
class DicomAttributes {
 public:
  explicit DicomAttributes(const gdcm::File& file) : dataset_(file.GetDataSet()) {
    filter_.SetFile(file);
  }

  // The value as text with padding removed, or "" when absent.
  std::string text(const gdcm::Tag& tag) const {
    if (!dataset_.FindDataElement(tag)) return {};
    std::string value = filter_.ToString(dataset_.GetDataElement(tag));
    const auto last = value.find_last_not_of(std::string(" \0", 2));
    value.erase(last == std::string::npos ? 0 : last + 1);
    const auto first = value.find_first_not_of(' ');
    return first == std::string::npos ? std::string() : value.substr(first);
  }

  // Backslash-separated numbers; values that do not parse are dropped.
  std::vector<double> numbers(const gdcm::Tag& tag) const {
    std::vector<double> values;
    std::stringstream stream(text(tag));
    std::string item;
    while (std::getline(stream, item, '\\')) {
      try {
        std::size_t used = 0;
        const double value = std::stod(item, &used);
        if (used > 0 && std::isfinite(value)) values.push_back(value);
      } catch (const std::exception&) {
        // Not a number: skipped; the caller checks the count it needs.
      }
    }
    return values;
  }

  std::optional<double> number(const gdcm::Tag& tag) const {
    const std::vector<double> values = numbers(tag);
    if (values.empty()) return std::nullopt;
    return values.front();
  }

 private:
  const gdcm::DataSet& dataset_;
  gdcm::StringFilter filter_;
};

// A binary attribute of an ultrasound region item read exactly (text conversion would round the
// FD deltas to six digits), or 0 when absent.
template <std::uint16_t kElement>
double region_value(const gdcm::DataSet& item) {
  gdcm::Attribute<0x0018, kElement> attribute;
  if (!item.FindDataElement(attribute.GetTag())) return 0.0;
  attribute.SetFromDataSet(item);
  return double(attribute.GetValue());
}

std::vector<UltrasoundRegion> read_regions(const gdcm::DataSet& dataset) {
  std::vector<UltrasoundRegion> regions;
  const gdcm::Tag sequence_tag(0x0018, 0x6011);
  if (!dataset.FindDataElement(sequence_tag)) return regions;
  gdcm::SmartPointer<gdcm::SequenceOfItems> items =
      dataset.GetDataElement(sequence_tag).GetValueAsSQ();
  if (!items) return regions;
  for (gdcm::SequenceOfItems::SizeType i = 1; i <= items->GetNumberOfItems(); ++i) {
    const gdcm::DataSet& item = items->GetItem(i).GetNestedDataSet();
    UltrasoundRegion region;
    region.spatial_format = int(region_value<0x6012>(item));
    region.data_type = int(region_value<0x6014>(item));
    region.min_x = long(region_value<0x6018>(item));
    region.min_y = long(region_value<0x601a>(item));
    region.max_x = long(region_value<0x601c>(item));
    region.max_y = long(region_value<0x601e>(item));
    region.units_x = int(region_value<0x6024>(item));
    region.units_y = int(region_value<0x6026>(item));
    region.delta_x = region_value<0x602c>(item);
    region.delta_y = region_value<0x602e>(item);
    regions.push_back(region);
  }
  return regions;
}

// Pixel Spacing and Imager Pixel Spacing are "row spacing \ column spacing", i.e. [y, x].
std::optional<std::array<double, 2>> pixel_spacing_mm(const DicomAttributes& attributes,
                                                      std::string& which) {
  for (const auto& [tag, name] : {std::pair{gdcm::Tag(0x0028, 0x0030), "Pixel Spacing"},
                                  std::pair{gdcm::Tag(0x0018, 0x1164), "Imager Pixel Spacing"}}) {
    const std::vector<double> values = attributes.numbers(tag);
    if (values.size() == 2 && values[0] > 0.0 && values[1] > 0.0) {
      which = name;
      return std::array<double, 2>{values[1], values[0]};
    }
  }
  return std::nullopt;
}

void read_calibration(const DicomAttributes& attributes, const gdcm::DataSet& dataset,
                      DecodedCine& cine) {
  std::string spacing_name;
  const std::optional<std::array<double, 2>> pixel_spacing =
      pixel_spacing_mm(attributes, spacing_name);
  if (std::optional<RegionCalibration> region =
          choose_region_calibration(read_regions(dataset), cine.width_px, cine.height_px)) {
    cine.calibration = region->calibration;
    cine.region_px = region->region_px;
    cine.warnings.insert(cine.warnings.end(), region->warnings.begin(), region->warnings.end());
    if (pixel_spacing) {
      const auto& region_mm = *region->calibration.spacing_mm;
      for (int axis = 0; axis < 2; ++axis) {
        if (std::abs((*pixel_spacing)[axis] / region_mm[axis] - 1.0) > kSpacingAgreement) {
          cine.warnings.push_back(fmt::format(
              "{} ({:.5g} x {:.5g} mm) disagrees with the ultrasound region; using the region",
              spacing_name, (*pixel_spacing)[0], (*pixel_spacing)[1]));
          break;
        }
      }
    }
    return;
  }
  if (pixel_spacing) {
    cine.calibration.source = CalibrationSource::kPixelSpacing;
    cine.calibration.spacing_mm = pixel_spacing;
    cine.calibration.detail = spacing_name;
  }
}

void read_timing(const DicomAttributes& attributes, DecodedCine& cine) {
  if (cine.frame_count < 2) return;
  const std::vector<double> vector_ms = attributes.numbers(gdcm::Tag(0x0018, 0x1065));
  if (!vector_ms.empty()) {
    // Each entry is the time since the previous frame; the first is usually 0.
    bool usable = vector_ms.size() == std::size_t(cine.frame_count);
    std::vector<double> t(vector_ms.size());
    for (std::size_t i = 1; usable && i < vector_ms.size(); ++i) {
      usable = vector_ms[i] > 0.0;
      t[i] = t[i - 1] + vector_ms[i] / kMsPerSecond;
    }
    if (usable) {
      cine.timing = {TimingSource::kFrameTimeVector, std::move(t)};
      return;
    }
    cine.warnings.push_back(fmt::format(
        "Frame Time Vector has {} entries for {} frames or non-positive intervals; ignored",
        vector_ms.size(), cine.frame_count));
  }
  const std::optional<double> frame_time_ms = attributes.number(gdcm::Tag(0x0018, 0x1063));
  if (frame_time_ms && *frame_time_ms > 0.0) {
    cine.timing = {TimingSource::kFrameTime,
                   uniform_timestamps_s(cine.frame_count, kMsPerSecond / *frame_time_ms)};
    return;
  }
  for (const auto& [tag, source] :
       {std::pair{gdcm::Tag(0x0018, 0x0040), TimingSource::kCineRate},
        std::pair{gdcm::Tag(0x0008, 0x2144), TimingSource::kDisplayFrameRate}}) {
    const std::optional<double> fps = attributes.number(tag);
    if (fps && *fps > 0.0) {
      cine.timing = {source, uniform_timestamps_s(cine.frame_count, *fps)};
      return;
    }
  }
}

int cv_depth(const gdcm::PixelFormat& format) {
  switch (format.GetScalarType()) {
    case gdcm::PixelFormat::UINT8:
      return CV_8U;
    case gdcm::PixelFormat::INT8:
      return CV_8S;
    case gdcm::PixelFormat::UINT16:
      return CV_16U;
    case gdcm::PixelFormat::INT16:
      return CV_16S;
    case gdcm::PixelFormat::INT32:
      return CV_32S;
    case gdcm::PixelFormat::FLOAT32:
      return CV_32F;
    case gdcm::PixelFormat::FLOAT64:
      return CV_64F;
    default:
      return -1;
  }
}

// The decoded buffer of one frame: frame `index` of `buffer`, as a cv::Mat header (no copy).
// Planar configuration 1 stores the colour planes one after the other.
cv::Mat frame_view(std::vector<char>& buffer, int index, int width, int height, int depth,
                   int samples, bool planar) {
  const std::size_t bytes =
      std::size_t(width) * std::size_t(height) * std::size_t(samples) * CV_ELEM_SIZE1(depth);
  char* start = buffer.data() + std::size_t(index) * bytes;
  if (!planar || samples == 1) return cv::Mat(height, width, CV_MAKETYPE(depth, samples), start);
  std::vector<cv::Mat> planes;
  for (int s = 0; s < samples; ++s) {
    planes.emplace_back(height, width, depth, start + std::size_t(s) * (bytes / samples));
  }
  cv::Mat interleaved;
  cv::merge(planes, interleaved);
  return interleaved;
}

// Decodes `frames` frames of `image` (the whole loop, or one frame of it) and appends them as grey.
Status append_decoded(const gdcm::Image& stored, int frames, DecodedCine& cine) {
  // Palette colour becomes RGB through its lookup table (8 or 16 bits per entry, segmented LUTs
  // included); 16-bit RGB is scaled to 8 bits with the other colour data.
  gdcm::ImageApplyLookupTable palette;
  const gdcm::Image* image = &stored;
  if (stored.GetPhotometricInterpretation() == gdcm::PhotometricInterpretation::PALETTE_COLOR) {
    palette.SetInput(stored);
    if (!palette.Apply()) {
      return Status(StatusCode::kInvalidData, "cannot apply the palette colour lookup table");
    }
    image = &palette.GetOutput();
  }

  std::vector<char> buffer(image->GetBufferLength());
  if (!image->GetBuffer(buffer.data())) {
    return Status(
        StatusCode::kInvalidData,
        fmt::format("{} pixel data cannot be decoded: corrupt or truncated", cine.source.codec));
  }
  const gdcm::PixelFormat format = image->GetPixelFormat();
  const int samples = format.GetSamplesPerPixel();
  const int depth = cv_depth(format);
  const std::size_t expected = std::size_t(cine.width_px) * std::size_t(cine.height_px) *
                               std::size_t(frames) * std::size_t(samples) *
                               (depth < 0 ? 1 : CV_ELEM_SIZE1(depth));
  if (depth < 0 || (samples != 1 && samples != 3) || buffer.size() < expected) {
    return Status(
        StatusCode::kUnsupported,
        fmt::format("pixel layout not supported ({} samples of {} bits, {} bytes decoded)", samples,
                    format.GetBitsAllocated(), buffer.size()));
  }
  const gdcm::PhotometricInterpretation pi = image->GetPhotometricInterpretation();
  const bool planar = image->GetPlanarConfiguration() == 1;

  if (samples == 3) {
    // YBR_FULL(_422) data (as GDCM leaves JPEG baseline and raw YBR) already holds BT.601 luma in
    // its first channel; RGB (including JPEG 2000 after its inverse colour transform) is
    // converted with the same weights.
    const bool ybr = pi == gdcm::PhotometricInterpretation::YBR_FULL ||
                     pi == gdcm::PhotometricInterpretation::YBR_FULL_422;
    for (int f = 0; f < frames; ++f) {
      cv::Mat frame = frame_view(buffer, f, cine.width_px, cine.height_px, depth, 3, planar);
      if (ybr) {
        cv::Mat luma;
        cv::extractChannel(frame, luma, 0);
        DYNAMUS_RETURN_IF_ERROR(append_grey_frame(luma, ChannelOrder::kRgb, cine.pixels));
      } else {
        DYNAMUS_RETURN_IF_ERROR(append_grey_frame(frame, ChannelOrder::kRgb, cine.pixels));
      }
    }
  } else {
    const bool eight_bit_unsigned = depth == CV_8U;
    cv::Mat stacked(cine.height_px * frames, cine.width_px, depth, buffer.data());
    if (eight_bit_unsigned) {
      DYNAMUS_RETURN_IF_ERROR(append_grey_frame(stacked, ChannelOrder::kRgb, cine.pixels));
    } else {
      DYNAMUS_ASSIGN_OR_RETURN(std::string warning, append_rescaled_grey(stacked, cine.pixels));
      cine.warnings.push_back(std::move(warning));
    }
    if (pi == gdcm::PhotometricInterpretation::MONOCHROME1) {
      for (std::uint8_t& value : cine.pixels) value = std::uint8_t(255 - value);
    }
  }
  return ok_status();
}

// One frame of an encapsulated multi-frame image as an image of its own, sharing the fragment.
gdcm::Image single_frame_image(const gdcm::Image& stored, const gdcm::Fragment& fragment) {
  gdcm::Image frame(stored);
  frame.SetNumberOfDimensions(2);
  gdcm::SmartPointer<gdcm::SequenceOfFragments> fragments = new gdcm::SequenceOfFragments;
  fragments->AddFragment(fragment);
  gdcm::DataElement pixel_data(gdcm::Tag(0x7fe0, 0x0010));
  pixel_data.SetValue(*fragments);
  pixel_data.SetVLToUndefined();
  frame.SetDataElement(pixel_data);
  return frame;
}

Status decode_pixels(const gdcm::Image& stored, std::uint64_t max_memory_bytes, DecodedCine& cine) {
  const gdcm::PhotometricInterpretation stored_pi = stored.GetPhotometricInterpretation();
  const gdcm::PixelFormat stored_format = stored.GetPixelFormat();
  DYNAMUS_RETURN_IF_ERROR(check_declared_size(
      std::uint64_t(cine.width_px), std::uint64_t(cine.height_px), std::uint64_t(cine.frame_count),
      stored_pi == gdcm::PhotometricInterpretation::PALETTE_COLOR
          ? 3
          : stored_format.GetSamplesPerPixel(),
      std::max<std::uint64_t>(1, stored_format.GetBitsAllocated() / 8), max_memory_bytes));

  if (!stored.GetTransferSyntax().IsEncapsulated()) {
    const gdcm::ByteValue* native = stored.GetDataElement().GetByteValue();
    const std::uint64_t needed = std::uint64_t(cine.width_px) * std::uint64_t(cine.height_px) *
                                 std::uint64_t(cine.frame_count) * stored_format.GetPixelSize();
    if (native == nullptr || native->GetLength() < needed) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("pixel data holds {} bytes; {} frames of {}x{} need {}",
                                native == nullptr ? 0u : std::uint32_t(native->GetLength()),
                                cine.frame_count, cine.width_px, cine.height_px, needed));
    }
  }

  cine.pixels.reserve(std::size_t(cine.width_px) * std::size_t(cine.height_px) *
                      std::size_t(cine.frame_count));
  // JPEG-family loops with a fragment per frame decode frame by frame: one colour frame is held at
  // a time instead of the whole loop in colour (3x the grey loop, and GDCM copies it again).
  // Wider data is rescaled over the whole loop and palette colour goes through GDCM's LUT filter,
  // so those decode at once; GDCM's RLE codec overruns its buffer on a one-fragment copy.
  const gdcm::SequenceOfFragments* fragments = stored.GetDataElement().GetSequenceOfFragments();
  const gdcm::TransferSyntax syntax = stored.GetTransferSyntax();
  const bool jpeg_family = syntax.IsEncapsulated() && syntax != gdcm::TransferSyntax::RLELossless;
  if (jpeg_family && fragments != nullptr && cine.frame_count > 1 &&
      fragments->GetNumberOfFragments() == std::size_t(cine.frame_count) &&
      stored_format.GetBitsAllocated() == 8 &&
      stored_pi != gdcm::PhotometricInterpretation::PALETTE_COLOR) {
    for (int f = 0; f < cine.frame_count; ++f) {
      DYNAMUS_RETURN_IF_ERROR(
          append_decoded(single_frame_image(stored, fragments->GetFragment(unsigned(f))), 1, cine));
    }
    return ok_status();
  }
  return append_decoded(stored, cine.frame_count, cine);
}

// GDCM accepts a file that ends inside its pixel data and pads the missing bytes with zeros. The
// lengths the data set declares must fit in the file; encapsulated data needs a fragment per frame.
Status check_complete(const gdcm::File& file, const std::filesystem::path& path, int frames) {
  const gdcm::DataSet& dataset = file.GetDataSet();
  const bool implicit = file.GetHeader().GetDataSetTransferSyntax().GetNegociatedType() ==
                        gdcm::TransferSyntax::Implicit;
  const std::uint64_t declared_bytes =
      std::uint64_t(file.GetHeader().GetFullLength()) +
      std::uint64_t(implicit ? dataset.GetLength<gdcm::ImplicitDataElement>()
                             : dataset.GetLength<gdcm::ExplicitDataElement>());
  std::error_code error;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, error);
  if (!error && file_bytes < declared_bytes) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("truncated: the file ends {} bytes before the end its elements "
                              "declare",
                              declared_bytes - file_bytes));
  }
  const gdcm::Tag pixel_data(0x7fe0, 0x0010);
  if (dataset.FindDataElement(pixel_data)) {
    const gdcm::SequenceOfFragments* fragments =
        dataset.GetDataElement(pixel_data).GetSequenceOfFragments();
    if (fragments != nullptr && fragments->GetNumberOfFragments() < std::size_t(frames)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("truncated: {} compressed fragments for {} frames",
                                fragments->GetNumberOfFragments(), frames));
    }
  }
  return ok_status();
}

void read_source_info(const DicomAttributes& attributes, const gdcm::Image& image,
                      DecodedCine& cine) {
  SourceInfo& source = cine.source;
  source.format = "dicom";
  const gdcm::TransferSyntax syntax = image.GetTransferSyntax();
  gdcm::UIDs syntax_name;
  syntax_name.SetFromUID(gdcm::TransferSyntax::GetTSString(syntax));
  // GDCM's names read "JPEG Baseline (Process 1): Default Transfer Syntax for ..."; keep the part
  // before the colon.
  source.codec = syntax_name.GetName() != nullptr ? syntax_name.GetName() : "";
  source.codec = source.codec.substr(0, source.codec.find(':'));
  source.transfer_syntax_uid = gdcm::TransferSyntax::GetTSString(syntax);
  source.sop_class_uid = attributes.text(gdcm::Tag(0x0008, 0x0016));
  source.modality = attributes.text(gdcm::Tag(0x0008, 0x0060));
  source.manufacturer = attributes.text(gdcm::Tag(0x0008, 0x0070));
  source.study_uid = attributes.text(gdcm::Tag(0x0020, 0x000d));
  source.series_uid = attributes.text(gdcm::Tag(0x0020, 0x000e));
  source.instance_uid = attributes.text(gdcm::Tag(0x0008, 0x0018));
  source.photometric = image.GetPhotometricInterpretation().GetString();
  source.photometric.erase(source.photometric.find_last_not_of(' ') + 1);
  source.width_px = cine.width_px;
  source.height_px = cine.height_px;
}

Status check_frame_count_against_sop(const DicomAttributes& attributes, DecodedCine& cine) {
  const std::string ultrasound_single_frame = "1.2.840.10008.5.1.4.1.1.6.1";
  if (cine.source.sop_class_uid == ultrasound_single_frame && cine.frame_count > 1) {
    cine.warnings.push_back(
        fmt::format("single-frame Ultrasound Image Storage object holds {} frames; all are read",
                    cine.frame_count));
  }
  const std::optional<double> declared = attributes.number(gdcm::Tag(0x0028, 0x0008));
  // GDCM reads 0 (or a negative count) as one frame; DICOM allows no such value.
  if (declared && *declared < 1.0) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("Number of Frames is {:g}: declares no frames", *declared));
  }
  if (declared && *declared != double(cine.frame_count)) {
    cine.warnings.push_back(fmt::format("Number of Frames says {:g}, the pixel data holds {}",
                                        *declared, cine.frame_count));
  }
  return ok_status();
}

}  // namespace

Result<DecodedCine> read_dicom(const std::filesystem::path& path, std::uint64_t max_memory_bytes) {
  try {
    DYNAMUS_RETURN_IF_ERROR(check_dicom_structure(path));
    gdcm::ImageReader reader;
    reader.SetFileName(path.c_str());
    if (!reader.Read()) {
      return Status(StatusCode::kInvalidData,
                    "not a readable DICOM image (GDCM cannot parse it: truncated, corrupt or "
                    "without pixel data)");
    }
    const gdcm::Image& image = reader.GetImage();
    const gdcm::File& file = reader.GetFile();
    const DicomAttributes attributes(file);

    DecodedCine cine;
    cine.width_px = int(image.GetDimension(0));
    cine.height_px = int(image.GetDimension(1));
    cine.frame_count = image.GetNumberOfDimensions() > 2 ? int(image.GetDimension(2)) : 1;
    DYNAMUS_RETURN_IF_ERROR(check_complete(file, path, cine.frame_count));
    read_source_info(attributes, image, cine);
    DYNAMUS_RETURN_IF_ERROR(check_frame_count_against_sop(attributes, cine));
    DYNAMUS_RETURN_IF_ERROR(decode_pixels(image, max_memory_bytes, cine));
    read_calibration(attributes, file.GetDataSet(), cine);
    read_timing(attributes, cine);
    return cine;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kTooLarge, "out of memory while decoding");
  } catch (const std::exception& error) {
    return Status(StatusCode::kInvalidData, fmt::format("DICOM decoding failed: {}", error.what()));
  }
}

}  // namespace dynamus::imaging::io
