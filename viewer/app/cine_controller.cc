#include "cine_controller.h"

#include <algorithm>
#include <cmath>

namespace dynamus::view {

CineController::CineController(int frame_count, double fps, QObject* parent)
    : QObject(parent), frame_count_(std::max(frame_count, 1)) {
  const double rate = fps > 0 ? fps : kFallbackFps;
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(std::max(1, int(std::lround(1000.0 / rate))));
  connect(&timer_, &QTimer::timeout, this, [this] { step(1); });
}

void CineController::set_frame(int frame) {
  frame = std::clamp(frame, 0, frame_count_ - 1);
  if (frame == frame_) return;
  frame_ = frame;
  emit frame_changed(frame_);
}

void CineController::step(int frames) {
  set_frame(((frame_ + frames) % frame_count_ + frame_count_) % frame_count_);
}

void CineController::play() {
  if (playing() || frame_count_ < 2) return;
  timer_.start();
  emit playing_changed(true);
}

void CineController::pause() {
  if (!playing()) return;
  timer_.stop();
  emit playing_changed(false);
}

void CineController::toggle_play() { playing() ? pause() : play(); }

}  // namespace dynamus::view
