// The frame slider, with the loop range drawn on it: a band between the in and out points and a
// bracket at each, so the reviewer sees what plays and what Ctrl+Shift+E exports.
#pragma once

#include <QSlider>
#include <optional>

#include "frame_range.h"

namespace dynamus::view {

class CineSlider : public QSlider {
  Q_OBJECT

 public:
  explicit CineSlider(QWidget* parent = nullptr);

  void set_loop_range(std::optional<FrameRange> range);
  const std::optional<FrameRange>& loop_range() const { return range_; }
  // The widget x of a frame's position on the groove (the handle's centre there).
  int x_of(int frame) const;

  static constexpr QRgb kRangeColour = 0xffe69f00;  // the Okabe-Ito orange

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::optional<FrameRange> range_;
};

}  // namespace dynamus::view
