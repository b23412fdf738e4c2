// A phantom loop as a screen recording: the B-mode image pasted into static scanner UI chrome
// (title bar, text, grey bar, depth scale, a running clock), as videos exported from a scanner's
// screen look. For testing and demonstrating the detection of the image area.
#pragma once

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"

namespace dynamus::phantom {

struct ScreenCapture {
  imaging::CineLoop loop;      // screen frames, uncalibrated, same timing as the image
  imaging::RegionPx image_px;  // where the image sits on the screen (inclusive)
};

Result<ScreenCapture> screen_capture(const imaging::CineLoop& image);

}  // namespace dynamus::phantom
