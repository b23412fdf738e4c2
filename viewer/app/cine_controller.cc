#include "cine_controller.h"

#include <algorithm>
#include <cmath>

namespace dynamus::view {
namespace {

constexpr double kMinSpeed = CineController::kSpeeds.front();
constexpr double kMaxSpeed = CineController::kSpeeds.back();
// Behind the clock by more than this (a modal dialog, a slow machine), playback starts afresh
// rather than racing through the frames it missed.
constexpr double kMaxLagMs = 100.0;

double median_interval_s(const std::vector<double>& times_s) {
  std::vector<double> intervals;
  for (std::size_t i = 1; i < times_s.size(); ++i) {
    if (times_s[i] > times_s[i - 1]) intervals.push_back(times_s[i] - times_s[i - 1]);
  }
  if (intervals.empty()) return 1.0 / CineController::kFallbackFps;
  std::nth_element(intervals.begin(), intervals.begin() + intervals.size() / 2, intervals.end());
  return intervals[intervals.size() / 2];
}

}  // namespace

CineController::CineController(int frame_count, std::vector<double> frame_times_s, QObject* parent)
    : QObject(parent),
      frame_count_(std::max(frame_count, 1)),
      times_s_(std::move(frame_times_s)),
      typical_interval_s_(median_interval_s(times_s_)) {
  if (int(times_s_.size()) != frame_count_) times_s_.clear();
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, [this] {
    advance();
    schedule();
  });
}

double CineController::time_s(int frame) const {
  frame = std::clamp(frame, 0, frame_count_ - 1);
  return times_s_.empty() ? frame / kFallbackFps : times_s_[std::size_t(frame)];
}

double CineController::display_ms(int frame) const {
  const FrameRange range = play_range();
  double interval_s = typical_interval_s_;
  if (frame != range.last && frame + 1 < frame_count_ && !times_s_.empty()) {
    const double t = times_s_[std::size_t(frame) + 1] - times_s_[std::size_t(frame)];
    if (t > 0) interval_s = t;
  }
  return 1000.0 * interval_s / speed_;
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

void CineController::advance() {
  const FrameRange range = play_range();
  set_frame(frame_ >= range.last || frame_ < range.first ? range.first : frame_ + 1);
}

void CineController::schedule() {
  if (!playing_) return;
  const double now_ms = double(clock_.nsecsElapsed()) / 1e6;
  if (now_ms - due_ms_ > kMaxLagMs) due_ms_ = now_ms;
  due_ms_ += display_ms(frame_);
  timer_.start(std::max(0, int(std::lround(due_ms_ - now_ms))));
}

void CineController::play() {
  const FrameRange range = play_range();
  if (playing_ || range.last <= range.first) return;
  playing_ = true;
  if (frame_ < range.first || frame_ > range.last) set_frame(range.first);
  clock_.start();
  due_ms_ = 0;
  schedule();
  emit playing_changed(true);
}

void CineController::pause() {
  if (!playing_) return;
  playing_ = false;
  timer_.stop();
  emit playing_changed(false);
}

void CineController::toggle_play() { playing_ ? pause() : play(); }

void CineController::set_speed(double speed) {
  speed = std::clamp(speed, kMinSpeed, kMaxSpeed);
  if (speed == speed_) return;
  speed_ = speed;
  if (playing_) {  // the next frame comes at the new pace, from now
    timer_.stop();
    clock_.start();
    due_ms_ = 0;
    schedule();
  }
  emit speed_changed(speed_);
}

void CineController::faster() {
  const auto next = std::upper_bound(kSpeeds.begin(), kSpeeds.end(), speed_ + 1e-9);
  if (next != kSpeeds.end()) set_speed(*next);
}

void CineController::slower() {
  const auto next = std::lower_bound(kSpeeds.begin(), kSpeeds.end(), speed_ - 1e-9);
  if (next != kSpeeds.begin()) set_speed(*(next - 1));
}

void CineController::set_in_point() {
  FrameRange range = play_range();
  range.first = frame_;
  if (range.last < frame_) range.last = frame_count_ - 1;
  range_ = range;
  emit range_changed();
}

void CineController::set_out_point() {
  FrameRange range = play_range();
  range.last = frame_;
  if (range.first > frame_) range.first = 0;
  range_ = range;
  emit range_changed();
}

void CineController::clear_range() {
  if (!range_) return;
  range_.reset();
  emit range_changed();
}

}  // namespace dynamus::view
