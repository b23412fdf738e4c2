// The automation path: the scene of one frame rendered in an unmapped window (VTK 9.1 here renders
// through X only, so an X server such as xvfb-run's is needed) and written as PNG.
#pragma once

#include <filesystem>
#include <optional>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

class vtkRenderWindow;

namespace dynamus::view {

struct ScreenshotRequest {
  std::filesystem::path output;
  std::optional<int> frame;  // empty: the analysis' peak frame
  int width_px = 1000;
  int height_px = 800;
};

// Renders `window` as it is and writes its pixels to `path` as PNG, atomically (a temporary beside
// it, then renamed). Errors name the path.
Status write_screenshot(vtkRenderWindow* window, const std::filesystem::path& path);

// Analyses the loop, shows the requested frame with its overlay and writes the screenshot.
// kInvalidArgument for a frame outside the loop; the analysis' own errors otherwise.
Status render_screenshot(const imaging::CineLoop& loop, const ScreenshotRequest& request);

}  // namespace dynamus::view
