#include "cine_slider.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOptionSlider>

namespace dynamus::view {
namespace {

constexpr int kBracketPx = 4;  // the length of a bracket's arms
constexpr int kBandAlpha = 110;

}  // namespace

CineSlider::CineSlider(QWidget* parent) : QSlider(Qt::Horizontal, parent) {
  setMinimumHeight(24);  // room for the brackets above and below the groove
}

void CineSlider::set_loop_range(std::optional<FrameRange> range) {
  range_ = range;
  update();
}

int CineSlider::x_of(int frame) const {
  QStyleOptionSlider option;
  initStyleOption(&option);
  const QRect groove =
      style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
  const QRect handle =
      style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, this);
  const int span = groove.width() - handle.width();
  return groove.x() + handle.width() / 2 +
         QStyle::sliderPositionFromValue(minimum(), maximum(), frame, span);
}

void CineSlider::paintEvent(QPaintEvent* event) {
  QSlider::paintEvent(event);
  if (!range_) return;
  QPainter painter(this);
  const int left = x_of(range_->first), right = x_of(range_->last);
  const int top = 2, bottom = height() - 3;
  QColor band(kRangeColour);
  band.setAlpha(kBandAlpha);
  painter.fillRect(QRect(QPoint(left, height() / 2 - 3), QPoint(right, height() / 2 + 3)), band);
  painter.setPen(QPen(QColor(kRangeColour), 2));
  // "[" at the in point, "]" at the out point.
  for (const auto& [x, arm] : {std::pair{left, kBracketPx}, std::pair{right, -kBracketPx}}) {
    painter.drawLine(x, top, x, bottom);
    painter.drawLine(x, top, x + arm, top);
    painter.drawLine(x, bottom, x + arm, bottom);
  }
}

}  // namespace dynamus::view
