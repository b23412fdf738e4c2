// Where the cine is: the current frame, playing or paused, timed by the loop's own frame times
// scaled by a speed (0.25x to 2x), wrapping at the end as an ultrasound cine does, or within a
// loop range the reviewer marked with in and out points.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <array>
#include <optional>
#include <vector>

#include "frame_range.h"

namespace dynamus::view {

class CineController : public QObject {
  Q_OBJECT

 public:
  // frame_times_s: one time a frame (the loop's timestamps), or empty for a loop without timing,
  // which plays at kFallbackFps.
  CineController(int frame_count, std::vector<double> frame_times_s, QObject* parent = nullptr);

  static constexpr double kFallbackFps = 20.0;
  // The speeds the keys step through; set_speed() takes any value between the ends.
  static constexpr std::array<double, 6> kSpeeds{0.25, 0.5, 0.75, 1.0, 1.5, 2.0};

  int frame() const { return frame_; }
  int frame_count() const { return frame_count_; }
  bool playing() const { return playing_; }
  double speed() const { return speed_; }
  // The in and out points, once either is set (the other end defaults to the loop's end).
  const std::optional<FrameRange>& loop_range() const { return range_; }
  // What plays and what Ctrl+Shift+E exports: the loop range, else the whole loop.
  FrameRange play_range() const { return range_.value_or(FrameRange{0, frame_count_ - 1}); }
  // How long `frame` stays on screen at the current speed before the next one is shown: its
  // interval to the next frame in the loop's time (the typical interval when wrapping), / speed.
  double display_ms(int frame) const;
  // The loop's time of `frame`, s (frame / kFallbackFps without timing).
  double time_s(int frame) const;

 public slots:
  void set_frame(int frame);  // clamped to the loop
  void step(int frames);      // wraps around the whole loop
  void play();
  void pause();
  void toggle_play();
  void set_speed(double speed);  // clamped to [0.25, 2]
  void faster();                 // the next of kSpeeds
  void slower();
  // The range's first / last frame at the current frame; an in point after the out point (or an
  // out before the in) moves the other end to the loop's end (start).
  void set_in_point();
  void set_out_point();
  void clear_range();

 signals:
  void frame_changed(int frame);
  void playing_changed(bool playing);
  void speed_changed(double speed);
  void range_changed();

 private:
  void advance();
  void schedule();

  int frame_count_;
  std::vector<double> times_s_;
  double typical_interval_s_;
  int frame_ = 0;
  bool playing_ = false;
  double speed_ = 1.0;
  std::optional<FrameRange> range_;
  QTimer timer_;
  // Playback keeps to the clock: each frame is due a display time after the previous one was,
  // so the time spent drawing does not slow the loop down.
  QElapsedTimer clock_;
  double due_ms_ = 0;
};

}  // namespace dynamus::view
