// load(): format detection, the reader, then sidecar and command-line overrides, the region
// (declared, given or detected) and the crop. Everything the loop reports records its source.
#include "dynamus/imaging/load.h"

#include <fmt/format.h>
#include <gdcmTrace.h>

#include <cstdlib>
#include <cstring>

#include "dynamus/core/sha256.h"
#include "dynamus/imaging/auto_region.h"
#include "io/decode_in_child.h"
#include "io/decoded_cine.h"
#include "io/sidecar.h"

namespace dynamus::imaging {
namespace {

using io::DecodedCine;

Result<DecodedCine> read(const std::filesystem::path& path, InputFormat format,
                         std::uint64_t max_memory_bytes) {
  switch (format) {
    case InputFormat::kDicom:
      return io::read_dicom(path, max_memory_bytes);
    case InputFormat::kVideo:
      return io::read_video(path, max_memory_bytes);
    case InputFormat::kImage:
    case InputFormat::kImageFolder:
      return io::read_images(path, max_memory_bytes);
    case InputFormat::kMetaImage:
    case InputFormat::kNrrd:
      return io::read_plus_sequence(path, max_memory_bytes);
  }
  return Status(StatusCode::kInternal, "unhandled input format");
}

bool inside(const RegionPx& inner, const RegionPx& outer) {
  return inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 &&
         inner.y1 <= outer.y1;
}

std::string describe(const RegionPx& r) {
  return fmt::format("[{},{},{},{}]", r.x0, r.y0, r.x1, r.y1);
}

Status resolve_region(const LoadOptions& options, const std::optional<io::Sidecar>& sidecar,
                      InputFormat format, DecodedCine& cine, CineLoop::Parts& parts) {
  const RegionPx full{0, 0, cine.width_px - 1, cine.height_px - 1};
  const bool screen_capture = format == InputFormat::kVideo || format == InputFormat::kImage ||
                              format == InputFormat::kImageFolder;
  if (options.overrides.region_px || (sidecar && sidecar->region_px)) {
    const bool user = options.overrides.region_px.has_value();
    parts.region_px = user ? *options.overrides.region_px : *sidecar->region_px;
    parts.region_source = user ? RegionSource::kUser : RegionSource::kSidecar;
    if (!inside(parts.region_px, full) || parts.region_px.width_px() < 1 ||
        parts.region_px.height_px() < 1) {
      return Status(user ? StatusCode::kInvalidArgument : StatusCode::kInvalidData,
                    fmt::format("{}region {} is not inside the {}x{} image", user ? "" : "sidecar ",
                                describe(parts.region_px), cine.width_px, cine.height_px),
                    user ? std::string() : sidecar->path.string());
    }
    if (cine.region_px && !inside(parts.region_px, *cine.region_px)) {
      cine.warnings.push_back(fmt::format("region {} reaches outside the calibrated region {}",
                                          describe(parts.region_px), describe(*cine.region_px)));
    }
  } else if (cine.region_px) {
    parts.region_px = *cine.region_px;
    parts.region_source = RegionSource::kFile;
  } else if (screen_capture && options.auto_region) {
    const std::optional<RegionPx> found =
        detect_image_region(cine.pixels, cine.width_px, cine.height_px, cine.frame_count);
    parts.region_px = found.value_or(full);
    parts.region_source = found ? RegionSource::kDetected : RegionSource::kFullFrame;
    if (!found) {
      cine.warnings.push_back("no ultrasound image area found; using the full frame");
    }
  } else {
    parts.region_px = full;
    parts.region_source = RegionSource::kFullFrame;
  }
  return ok_status();
}

void resolve_calibration(const LoadOptions& options, const std::optional<io::Sidecar>& sidecar,
                         DecodedCine& cine, CineLoop::Parts& parts) {
  parts.calibration = cine.calibration;
  if (options.overrides.spacing_mm) {
    parts.calibration = {CalibrationSource::kUser, options.overrides.spacing_mm, true, "--spacing"};
  } else if (sidecar && sidecar->spacing_mm) {
    parts.calibration = {CalibrationSource::kSidecar, sidecar->spacing_mm, true,
                         sidecar->path.filename().string()};
  }
}

void resolve_timing(const LoadOptions& options, const std::optional<io::Sidecar>& sidecar,
                    DecodedCine& cine, CineLoop::Parts& parts) {
  parts.timing = std::move(cine.timing);
  const int frames = cine.frame_count;
  if (options.overrides.fps) {
    parts.timing = {TimingSource::kUser, io::uniform_timestamps_s(frames, *options.overrides.fps)};
  } else if (sidecar && sidecar->fps) {
    parts.timing = {TimingSource::kSidecar, io::uniform_timestamps_s(frames, *sidecar->fps)};
  }
  if (frames < 2) parts.timing = {};  // a still image has no timing to speak of
}

// Keeps only the region's pixels, moving rows forward within the same buffer: every destination
// byte lies at or before its source byte, so nothing is overwritten before it is read.
void crop_in_place(std::vector<std::uint8_t>& pixels, int width, int height, int frames,
                   const RegionPx& r) {
  if (r == RegionPx{0, 0, width - 1, height - 1}) return;
  const std::size_t row_bytes = std::size_t(r.width_px());
  std::uint8_t* destination = pixels.data();
  for (int f = 0; f < frames; ++f) {
    const std::uint8_t* frame =
        pixels.data() + std::size_t(f) * std::size_t(width) * std::size_t(height);
    for (int y = r.y0; y <= r.y1; ++y) {
      std::memmove(destination, frame + std::size_t(y) * std::size_t(width) + std::size_t(r.x0),
                   row_bytes);
      destination += row_bytes;
    }
  }
  pixels.resize(std::size_t(destination - pixels.data()));
  // Giving memory back copies the loop once more; worth it only when the crop freed most of it
  // (a screen capture), not for a calibrated region that trims a border.
  if (pixels.size() < pixels.capacity() / 2) pixels.shrink_to_fit();
}

Result<CineLoop> load_unlabelled(const std::filesystem::path& path, const LoadOptions& options) {
  DYNAMUS_ASSIGN_OR_RETURN(const InputFormat format, detect_format(path));
  const auto read_file = [&] { return read(path, format, options.max_memory_bytes); };
  DYNAMUS_ASSIGN_OR_RETURN(
      DecodedCine cine,
      options.decode_in_child_process
          ? io::decode_in_child(read_file, to_string(format), options.max_memory_bytes,
                                options.max_decode_cpu_seconds)
          : read_file());
  std::optional<io::Sidecar> sidecar;
  if (options.read_sidecar) {
    DYNAMUS_ASSIGN_OR_RETURN(sidecar, io::read_sidecar(path));
  }

  CineLoop::Parts parts;
  DYNAMUS_RETURN_IF_ERROR(resolve_region(options, sidecar, format, cine, parts));
  resolve_calibration(options, sidecar, cine, parts);
  resolve_timing(options, sidecar, cine, parts);

  crop_in_place(cine.pixels, cine.width_px, cine.height_px, cine.frame_count, parts.region_px);
  parts.width_px = parts.region_px.width_px();
  parts.height_px = parts.region_px.height_px();
  parts.frame_count = cine.frame_count;
  parts.pixels = std::move(cine.pixels);
  parts.source = std::move(cine.source);
  parts.source.path = path.string();
  parts.source.width_px = cine.width_px;
  parts.source.height_px = cine.height_px;
  if (std::filesystem::is_regular_file(path)) {
    DYNAMUS_ASSIGN_OR_RETURN(parts.source.sha256, sha256_file(path));
  }
  if (parts.calibration.source == CalibrationSource::kNone) {
    cine.warnings.push_back(
        "no calibration in the file: measurements stay in pixels (give "
        "--spacing or a sidecar spacing_mm)");
  }
  if (parts.frame_count > 1 && parts.timing.source == TimingSource::kUnknown) {
    cine.warnings.push_back("no frame timing in the file (give --fps or a sidecar fps)");
  }
  parts.warnings = std::move(cine.warnings);
  return CineLoop::create(std::move(parts));
}

}  // namespace

std::uint64_t default_max_memory_bytes() {
  const std::uint64_t fallback = LoadOptions{}.max_memory_bytes;
  const char* text = std::getenv("DYNAMUS_MAX_MEMORY_MB");
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long megabytes = std::strtoull(text, &end, 10);
  if (*end != '\0' || megabytes == 0 || megabytes > (std::uint64_t{1} << 40)) return fallback;
  return std::uint64_t(megabytes) << 20;
}

Result<CineLoop> load(const std::filesystem::path& path, const LoadOptions& options) {
  // GDCM reports problems on stderr by itself; they reach the user as Status messages instead.
  gdcm::Trace::SetWarning(false);
  gdcm::Trace::SetError(false);
  gdcm::Trace::SetDebug(false);
  Result<CineLoop> loop = load_unlabelled(path, options);
  if (!loop.ok() && loop.status().context().empty()) {
    return loop.status().with_context(path.string());
  }
  return loop;
}

}  // namespace dynamus::imaging
