// Writing cine loops: DICOM for the PACS and for dynamus itself (calibration and timing survive),
// H.264 MP4 for people. Both are written atomically: a failed write leaves no partial file and an
// existing file at the path untouched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging {

// What goes into the patient, study, series and equipment attributes of a written DICOM file.
struct DicomCineIdentity {
  std::string patient_name;  // PN, e.g. "DYNAMUS^PHANTOM"
  std::string patient_id;    // LO, e.g. "PHANTOM-RETRACTING-TEAR-7"
  // Empty UIDs are derived from uid_seed: "2.25." followed by the decimal value of a UUID made
  // from the first 128 bits of SHA-256(uid_seed + "/study" | "/series" | "/instance") (version 8,
  // RFC 9562 variant). The same seed gives the same UIDs, so the same loop written twice is the
  // same file.
  std::string study_uid, series_uid, instance_uid;
  std::string uid_seed;  // e.g. "retracting-tear/7/<params hash>"; required when a UID is empty
  std::string study_description, series_description;  // LO
  std::string manufacturer = "dynamus";               // LO
  std::string institution;                            // LO; empty: omitted
  // DA "YYYYMMDD" and TM "HHMMSS[.ffffff]" of the content and the study; empty: left empty, which
  // keeps the file byte-identical across runs.
  std::string content_date, content_time;
};

// Writes US Multi-frame Image Storage (1.2.840.10008.5.1.4.1.1.3.1), Explicit VR Little Endian:
// MONOCHROME2 8-bit frames; Frame Time (ms) when the frame intervals are uniform (within 1 us),
// else a Frame Time Vector instead (the Cine module allows only the one the Frame Increment
// Pointer names); Cine Rate; and a Sequence of Ultrasound Regions holding one 2D tissue region
// over the whole frame whose PhysicalDeltaX/Y are the loop's spacing in cm. Loading the file gives
// back the pixels, spacing, region and timestamps.
// kInvalidArgument for a loop without a trusted calibration or without an fps (timing and at least
// two frames), or for identity values DICOM cannot hold (an over-long LO, a malformed UID or
// date); kTooLarge above DICOM's 4 GiB pixel data; kUnsupported for unevenly timed loops whose
// Frame Time Vector exceeds its 64 KiB element (several thousand frames). Errors name the path.
Status write_dicom(const CineLoop& loop, const DicomCineIdentity& identity,
                   const std::filesystem::path& path);

// Writes the frames as H.264 MP4 (OpenCV's FFmpeg backend, fourcc 'avc1', grey as BGR) at the
// loop's fps: a constant-rate video, so uneven frame intervals are not kept, nor is the
// calibration. H.264 (4:2:0) needs even sizes: an odd width or height gains one column or row
// repeating the last one. kInvalidArgument for a loop without an fps or a path not ending in
// ".mp4" (FFmpeg picks the container from the extension).
Status write_video(const CineLoop& loop, const std::filesystem::path& path);

// Fills `rgb` with frame `frame` (width_px * height_px * 3 bytes, row-major); an error stops the
// video and is returned.
using RgbFrameSource = std::function<Status(int frame, std::vector<std::uint8_t>& rgb)>;

// Any frames as H.264 MP4 (fourcc 'avc1') at `fps`, written atomically: the frames of
// write_video, or annotated ones (reporting). Odd sizes gain a column or row repeating the last.
// kInvalidArgument for a path not ending in ".mp4" or a non-positive fps or size, kUnsupported
// when FFmpeg cannot encode H.264 here.
Status write_rgb_video(const std::filesystem::path& path, double fps, int width_px, int height_px,
                       int frame_count, const RgbFrameSource& source);

}  // namespace dynamus::imaging
