// A run of a loop's frames: what plays between the in and out points, and what is exported.
#pragma once

namespace dynamus::view {

struct FrameRange {
  int first = 0;
  int last = 0;  // inclusive
  bool operator==(const FrameRange& other) const {
    return first == other.first && last == other.last;
  }
};

}  // namespace dynamus::view
