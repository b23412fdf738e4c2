#include "dynamus/imaging/cine_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dynamus::imaging {

std::string_view to_string(RegionSource source) {
  switch (source) {
    case RegionSource::kFile:
      return "file";
    case RegionSource::kSidecar:
      return "sidecar";
    case RegionSource::kUser:
      return "user";
    case RegionSource::kDetected:
      return "detected";
    case RegionSource::kFullFrame:
      return "full-frame";
  }
  return "full-frame";
}

std::string_view to_string(CalibrationSource source) {
  switch (source) {
    case CalibrationSource::kDicomRegion:
      return "dicom-region";
    case CalibrationSource::kPixelSpacing:
      return "pixel-spacing";
    case CalibrationSource::kSidecar:
      return "sidecar";
    case CalibrationSource::kUser:
      return "user";
    case CalibrationSource::kNone:
      return "none";
  }
  return "none";
}

std::string calibration_label(const Calibration& calibration) {
  std::string label(to_string(calibration.source));
  if (!calibration.trusted) label += "-untrusted";
  return label;
}

std::string_view to_string(TimingSource source) {
  switch (source) {
    case TimingSource::kFrameTimeVector:
      return "dicom-frame-time-vector";
    case TimingSource::kFrameTime:
      return "dicom-frame-time";
    case TimingSource::kCineRate:
      return "dicom-cine-rate";
    case TimingSource::kDisplayFrameRate:
      return "dicom-display-frame-rate";
    case TimingSource::kContainer:
      return "container";
    case TimingSource::kFrameTimestamps:
      return "frame-timestamps";
    case TimingSource::kSidecar:
      return "sidecar";
    case TimingSource::kUser:
      return "user";
    case TimingSource::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

Status invalid(std::string message) { return Status(StatusCode::kInvalidData, std::move(message)); }

Status validate(const CineLoop::Parts& parts) {
  if (parts.width_px <= 0 || parts.height_px <= 0 || parts.frame_count <= 0) {
    return invalid(fmt::format("empty loop: {}x{} pixels, {} frames", parts.width_px,
                               parts.height_px, parts.frame_count));
  }
  const std::uint64_t expected = std::uint64_t(parts.width_px) * std::uint64_t(parts.height_px) *
                                 std::uint64_t(parts.frame_count);
  if (parts.pixels.size() != expected) {
    return invalid(fmt::format("pixel buffer holds {} bytes, {} frames of {}x{} need {}",
                               parts.pixels.size(), parts.frame_count, parts.width_px,
                               parts.height_px, expected));
  }
  const auto& t = parts.timing.timestamps_s;
  if ((parts.timing.source == TimingSource::kUnknown) != t.empty()) {
    return invalid("timestamps must be given exactly when the timing source is known");
  }
  if (!t.empty()) {
    if (t.size() != std::size_t(parts.frame_count)) {
      return invalid(fmt::format("{} timestamps for {} frames", t.size(), parts.frame_count));
    }
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (!std::isfinite(t[i]) || (i > 0 && !(t[i] > t[i - 1]))) {
        return invalid(
            fmt::format("frame times must be finite and strictly increasing "
                        "(frame {} at {} s)",
                        i, t[i]));
      }
    }
  }
  const Calibration& cal = parts.calibration;
  if ((cal.source == CalibrationSource::kNone) != !cal.spacing_mm.has_value()) {
    return invalid("a pixel spacing must be given exactly when a calibration source is known");
  }
  if (cal.spacing_mm) {
    for (double s : *cal.spacing_mm) {
      if (!std::isfinite(s) || s <= 0.0) {
        return invalid(fmt::format("pixel spacing must be positive and finite, got {} mm", s));
      }
    }
  }
  const RegionPx& r = parts.region_px;
  if (r.width_px() != parts.width_px || r.height_px() != parts.height_px) {
    return invalid(fmt::format("region [{},{},{},{}] does not match the {}x{} frames", r.x0, r.y0,
                               r.x1, r.y1, parts.width_px, parts.height_px));
  }
  const SourceInfo& s = parts.source;
  if (r.x0 < 0 || r.y0 < 0 || r.x1 >= s.width_px || r.y1 >= s.height_px) {
    return invalid(fmt::format("region [{},{},{},{}] lies outside the {}x{} source image", r.x0,
                               r.y0, r.x1, r.y1, s.width_px, s.height_px));
  }
  return ok_status();
}

}  // namespace

Result<CineLoop> CineLoop::create(Parts parts) {
  DYNAMUS_RETURN_IF_ERROR(validate(parts));
  CineLoop loop;
  loop.width_px_ = parts.width_px;
  loop.height_px_ = parts.height_px;
  loop.frame_count_ = parts.frame_count;
  loop.pixels_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(parts.pixels));
  loop.timing_ = std::move(parts.timing);
  loop.calibration_ = std::move(parts.calibration);
  loop.region_px_ = parts.region_px;
  loop.region_source_ = parts.region_source;
  loop.source_ = std::move(parts.source);
  loop.warnings_ = std::move(parts.warnings);
  return loop;
}

std::span<const std::uint8_t> CineLoop::frame(int index) const {
  const std::size_t size = frame_size();
  return std::span<const std::uint8_t>(*pixels_).subspan(std::size_t(index) * size, size);
}

std::optional<double> CineLoop::fps() const {
  const auto& t = timing_.timestamps_s;
  if (t.size() < 2) return std::nullopt;
  std::vector<double> intervals(t.size() - 1);
  for (std::size_t i = 1; i < t.size(); ++i) intervals[i - 1] = t[i] - t[i - 1];
  auto middle = intervals.begin() + std::ptrdiff_t(intervals.size() / 2);
  std::nth_element(intervals.begin(), middle, intervals.end());
  return 1.0 / *middle;
}

std::optional<double> CineLoop::duration_s() const {
  const std::optional<double> rate = fps();
  if (!rate) return std::nullopt;
  return frame_count_ / *rate;
}

}  // namespace dynamus::imaging
