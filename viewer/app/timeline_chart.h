// The linked plots under the image: contraction level (%, left axis), gap and median tendon
// thickness (mm, right axis) over time, a vertical cursor at the current frame, and a click that
// asks to seek to the frame nearest the clicked time. The values come from timeline_series.h.
#pragma once

#include <QVTKOpenGLNativeWidget.h>
#include <vtkNew.h>

#include <optional>

#include "timeline_series.h"

class vtkChartXY;
class vtkContextView;
class vtkGenericOpenGLRenderWindow;
class vtkPlot;
class vtkTable;

namespace dynamus::view {

class TimelineChart : public QVTKOpenGLNativeWidget {
  Q_OBJECT

 public:
  explicit TimelineChart(QWidget* parent = nullptr);
  ~TimelineChart() override;

  // Until a series is set the chart is empty (the analysis is running).
  void set_series(TimelineSeries series);
  const std::optional<TimelineSeries>& series() const { return series_; }
  // Moves the cursor to the frame's time and renders.
  void set_cursor_frame(int frame);
  double cursor_t() const { return cursor_t_; }

  vtkChartXY* chart() { return chart_; }
  // The series' names in their colours, in one line (rich text) for a label above the chart: VTK's
  // own legend stacks them and would cover the curves in a chart this low.
  static QString legend_html();
  // The data plots (level, gap, thickness), in that order; the cursor is not one of them.
  static constexpr int kSeriesCount = 3;
  vtkPlot* series_plot(int index);
  // Where time t is along the widget's x (logical pixels), and back.
  double to_widget_x(double t);
  double to_time(double widget_x);

 signals:
  void seek_requested(int frame);

 protected:
  void mousePressEvent(QMouseEvent* event) override;

 private:
  vtkNew<vtkGenericOpenGLRenderWindow> window_;
  vtkNew<vtkContextView> view_;
  vtkNew<vtkChartXY> chart_;
  vtkNew<vtkTable> table_;
  vtkNew<vtkTable> cursor_table_;
  vtkPlot* cursor_plot_ = nullptr;
  std::optional<TimelineSeries> series_;
  double cursor_t_ = 0.0;
};

}  // namespace dynamus::view
