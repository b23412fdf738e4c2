// How far a long computation is, and the caller's way to stop it: the computation calls the
// callback between steps with the share done and what it is doing; the callback returns false to
// cancel, and the computation then returns a kCancelled status as soon as it can.
#pragma once

#include <functional>
#include <string_view>

#include "dynamus/core/status.h"

namespace dynamus {

// fraction in [0, 1]. Called on the computing thread: a GUI posts it to its own thread.
using Progress = std::function<bool(double fraction, std::string_view stage)>;

// Reports to `progress` (which may be empty); kCancelled when it asks to stop.
inline Status report_progress(const Progress& progress, double fraction, std::string_view stage) {
  if (!progress || progress(fraction, stage)) return ok_status();
  return Status(StatusCode::kCancelled, "cancelled");
}

// The part [begin, end] of a whole, for a step that reports its own progress from 0 to 1.
inline Progress progress_part(const Progress& whole, double begin, double end) {
  if (!whole) return {};
  return [whole, begin, end](double fraction, std::string_view stage) {
    return whole(begin + (end - begin) * fraction, stage);
  };
}

}  // namespace dynamus
