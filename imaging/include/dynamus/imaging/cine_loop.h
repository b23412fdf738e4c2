// CineLoop: a decoded, calibrated ultrasound loop. 8-bit grey frames held once and shared between
// copies, per-frame times in seconds, pixel spacing in millimetres and where every one of those
// came from.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::imaging {

// Inclusive pixel bounds in the source image, as DICOM's RegionLocationMin/Max.
struct RegionPx {
  int x0 = 0;
  int y0 = 0;
  int x1 = -1;
  int y1 = -1;

  int width_px() const { return x1 - x0 + 1; }
  int height_px() const { return y1 - y0 + 1; }
  bool operator==(const RegionPx&) const = default;
};

// Who decided which part of the source image holds the ultrasound image.
enum class RegionSource {
  kFile,       // the file declares it (DICOM ultrasound region)
  kSidecar,    // <input>.json
  kUser,       // --region on the command line
  kDetected,   // found in a screen capture by detect_image_region()
  kFullFrame,  // nothing said otherwise: the whole image
};
std::string_view to_string(RegionSource source);

enum class CalibrationSource {
  kDicomRegion,   // Sequence of Ultrasound Regions (0018,6011), a 2D tissue region in cm
  kPixelSpacing,  // Pixel Spacing (0028,0030), Imager Pixel Spacing (0018,1164) or ElementSpacing
  kSidecar,       // <input>.json beside the input
  kUser,          // --spacing on the command line
  kNone,          // no calibration: measurements stay in pixels
};
std::string_view to_string(CalibrationSource source);

struct Calibration {
  CalibrationSource source = CalibrationSource::kNone;
  // [lateral x, depth y] in mm per pixel; empty exactly when source is kNone.
  std::optional<std::array<double, 2>> spacing_mm;
  // False when the calibration contradicts the image (e.g. a region far outside the pixel matrix,
  // as after rescaling or cropping the pixels). Figures in mm are then not to be relied on.
  bool trusted = true;
  // Where exactly it came from, for people: "region 1 of 3: 2D tissue, cm".
  std::string detail;
};
// The provenance label used in JSON: "dicom-region", "pixel-spacing", "sidecar", "user", "none",
// with "-untrusted" appended when the calibration is not trusted.
std::string calibration_label(const Calibration& calibration);

enum class TimingSource {
  kFrameTimeVector,   // DICOM (0018,1065)
  kFrameTime,         // DICOM (0018,1063)
  kCineRate,          // DICOM Cine Rate (0018,0040)
  kDisplayFrameRate,  // DICOM Recommended Display Frame Rate (0008,2144)
  kContainer,         // video container presentation timestamps
  kFrameTimestamps,   // per-frame timestamps of a PLUS sequence
  kSidecar,           // fps from <input>.json
  kUser,              // --fps on the command line
  kUnknown,           // no timing: timestamps are empty
};
std::string_view to_string(TimingSource source);

struct Timing {
  TimingSource source = TimingSource::kUnknown;
  // One entry per frame, seconds from the first frame (which is 0), strictly increasing; empty
  // when the source is kUnknown.
  std::vector<double> timestamps_s;
};

// What the loop was read from. Strings are empty where the source does not say.
struct SourceInfo {
  std::string path;
  std::string sha256;  // of the file (of the sorted files for an image folder)
  std::string format;  // "dicom", "video", "image-sequence", "image", "metaimage", "nrrd"
  std::string codec;   // compression: DICOM transfer syntax name, video codec, "zlib", ...
  std::string transfer_syntax_uid;
  std::string sop_class_uid;
  std::string modality;
  std::string manufacturer;
  std::string photometric;  // of the stored pixels, e.g. "YBR_FULL_422", "PALETTE COLOR", "RGB"
  std::string study_uid;
  std::string series_uid;
  std::string instance_uid;
  int width_px = 0;  // full source image, before cropping to region_px
  int height_px = 0;
};

class CineLoop {
 public:
  struct Parts {
    int width_px = 0;
    int height_px = 0;
    int frame_count = 0;
    std::vector<std::uint8_t> pixels;  // frame_count * height_px * width_px, row-major frames
    Timing timing;
    Calibration calibration;
    RegionPx region_px;  // the part of the source image the frames were cropped from
    RegionSource region_source = RegionSource::kFullFrame;
    SourceInfo source;
    std::vector<std::string> warnings;
  };

  // Checks every invariant (sizes, buffer length, timestamps, spacing, region inside the source).
  static Result<CineLoop> create(Parts parts);

  int width_px() const { return width_px_; }
  int height_px() const { return height_px_; }
  int frame_count() const { return frame_count_; }
  std::size_t frame_size() const { return static_cast<std::size_t>(width_px_) * height_px_; }

  // One frame, row-major, width_px() * height_px() bytes. Valid while any copy of the loop lives.
  std::span<const std::uint8_t> frame(int index) const;
  // All frames, contiguous.
  std::span<const std::uint8_t> pixels() const { return *pixels_; }

  const Timing& timing() const { return timing_; }
  bool has_timing() const { return !timing_.timestamps_s.empty(); }
  // Frames per second from the median frame interval; empty without timing or with one frame.
  std::optional<double> fps() const;
  // frame_count / fps: the time the loop covers when played.
  std::optional<double> duration_s() const;

  const Calibration& calibration() const { return calibration_; }
  const RegionPx& region_px() const { return region_px_; }
  RegionSource region_source() const { return region_source_; }
  const SourceInfo& source() const { return source_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  CineLoop() = default;

  int width_px_ = 0;
  int height_px_ = 0;
  int frame_count_ = 0;
  std::shared_ptr<const std::vector<std::uint8_t>> pixels_;
  Timing timing_;
  Calibration calibration_;
  RegionPx region_px_;
  RegionSource region_source_ = RegionSource::kFullFrame;
  SourceInfo source_;
  std::vector<std::string> warnings_;
};

}  // namespace dynamus::imaging
