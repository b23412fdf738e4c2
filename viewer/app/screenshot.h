// The automation path: the scene of one frame rendered in an unmapped window (VTK 9.1 here renders
// through X only, so an X server such as xvfb-run's is needed) and written as PNG.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/review/stored_result.h"
#include "frame_export.h"

class vtkRenderWindow;

namespace dynamus::view {

struct ScreenshotRequest {
  std::filesystem::path output;  // .png: one frame; .mp4 (--export): the range
  std::optional<int> frame;      // empty: the analysis' peak frame (a PNG) or every frame (MP4)
  int width_px = 1000;
  int height_px = 800;
  // An analysis folder (--results): its parameters are used, and the reviewer's corrections
  // (when `reviewer` is given and the review is of this result.json) are drawn. Nothing is written.
  std::optional<review::StoredResult> stored;
  std::string reviewer;
  std::optional<FrameRange> range;           // --range A:B, for an MP4
  segmentation::AnalysisParams params = {};  // without `stored`: --tracker, --detector, --step
  bool anonymize = false;                    // --anonymize (frame_export.h)
};

// Renders `window` as it is and writes its pixels to `path` as PNG, atomically (a temporary beside
// it, then renamed). Errors name the path.
Status write_screenshot(vtkRenderWindow* window, const std::filesystem::path& path);

// Analyses the loop, shows the requested frame (or range) with its overlay and writes the
// screenshot or the video through export_frames. kInvalidArgument for a frame outside the loop; the
// review file's errors (a review of another result.json); the analysis' own errors otherwise.
Status render_screenshot(const imaging::CineLoop& loop, const ScreenshotRequest& request);

}  // namespace dynamus::view
