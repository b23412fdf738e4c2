// Where the cine is: the current frame, playing or paused, at the loop's own frame rate, wrapping
// at the end as an ultrasound cine does.
#pragma once

#include <QObject>
#include <QTimer>

namespace dynamus::view {

class CineController : public QObject {
  Q_OBJECT

 public:
  // fps <= 0 (a loop without timing) plays at kFallbackFps.
  CineController(int frame_count, double fps, QObject* parent = nullptr);

  static constexpr double kFallbackFps = 20.0;

  int frame() const { return frame_; }
  int frame_count() const { return frame_count_; }
  bool playing() const { return timer_.isActive(); }

 public slots:
  void set_frame(int frame);  // clamped to the loop
  void step(int frames);      // wraps around
  void play();
  void pause();
  void toggle_play();

 signals:
  void frame_changed(int frame);
  void playing_changed(bool playing);

 private:
  int frame_count_;
  int frame_ = 0;
  QTimer timer_;
};

}  // namespace dynamus::view
