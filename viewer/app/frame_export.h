// Export "identical to the screen": the render window's pixels as drawn, one frame as PNG or a
// range of frames as H.264 MP4 (imaging::write_rgb_video), both written atomically. The GUI
// (Ctrl+E, Ctrl+Shift+E) and `dynamus-view --export` go through here.
#pragma once

#include <filesystem>

#include "dynamus/core/status.h"
#include "frame_range.h"

class vtkRenderWindow;

namespace dynamus::view {

class Scene;

// The frames [first, last] of `scene`, each shown and rendered in `window` and grabbed, as an MP4
// at `fps` (the loop's; CineController::kFallbackFps without timing); a PNG path gets the single
// frame `first` (a longer range is kInvalidArgument). The scene is left at its frame before.
// kInvalidArgument for a range outside the loop or an extension other than .png/.mp4.
// `anonymize` (--anonymize): the view shows only the loop's calibrated region, so text burned in
// around it is not exported; a loop without a region (its full frame, as a screen recording
// without --region) could show the patient's name, and is refused with kInvalidArgument.
Status export_frames(vtkRenderWindow* window, Scene& scene, const std::filesystem::path& path,
                     FrameRange range, bool anonymize);

}  // namespace dynamus::view
