#include "timeline_chart.h"

#include <vtkAxis.h>
#include <vtkChartXY.h>
#include <vtkContextScene.h>
#include <vtkContextView.h>
#include <vtkDoubleArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkPen.h>
#include <vtkPlot.h>
#include <vtkRenderer.h>
#include <vtkTable.h>
#include <vtkTextProperty.h>

#include <QMouseEvent>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace dynamus::view {
namespace {

constexpr int kFontPx = 13;
constexpr int kRightCorner = 1;  // vtkChartXY's bottom-right corner: the right y axis

struct SeriesStyle {
  const char* name;
  std::array<unsigned char, 3> rgb;
  int corner;
};
// Distinguishable (also to red-green colour blindness): blue, orange, green-teal.
constexpr std::array<SeriesStyle, TimelineChart::kSeriesCount> kStyles{{
    {"contraction level (%)", {40, 110, 220}, 0},
    {"gap (mm)", {230, 120, 0}, kRightCorner},
    {"tendon thickness, median (mm)", {0, 150, 120}, kRightCorner},
}};

vtkNew<vtkDoubleArray> column(const char* name, const std::vector<double>& values) {
  vtkNew<vtkDoubleArray> array;
  array->SetName(name);
  array->SetNumberOfValues(vtkIdType(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) array->SetValue(vtkIdType(i), values[i]);
  return array;
}

void style_axis(vtkAxis* axis, const std::string& title) {
  axis->SetTitle(title);
  axis->GetTitleProperties()->SetFontSize(kFontPx);
  axis->GetTitleProperties()->BoldOff();
  axis->GetLabelProperties()->SetFontSize(kFontPx);
}

void fix_range(vtkAxis* axis, double minimum, double maximum) {
  axis->SetBehavior(vtkAxis::FIXED);
  axis->SetRange(minimum, maximum);
}

double finite_max(const std::vector<double>& values, double otherwise) {
  double best = otherwise;
  for (double v : values)
    if (std::isfinite(v)) best = std::max(best, v);
  return best;
}

}  // namespace

TimelineChart::TimelineChart(QWidget* parent) : QVTKOpenGLNativeWidget(parent) {
  setRenderWindow(window_);
  view_->SetRenderWindow(window_);
  view_->GetRenderer()->SetBackground(1.0, 1.0, 1.0);
  view_->GetScene()->AddItem(chart_);
  // The axes stay put: a click seeks, it does not pan or zoom.
  chart_->SetInteractive(false);
  chart_->SetShowLegend(false);
  style_axis(chart_->GetAxis(vtkAxis::BOTTOM), "time (s)");
  style_axis(chart_->GetAxis(vtkAxis::LEFT), "contraction (%)");
  style_axis(chart_->GetAxis(vtkAxis::RIGHT), "gap, thickness (mm)");
  // A little above 100 % so that the peak's plateau is not drawn on the frame of the plot.
  fix_range(chart_->GetAxis(vtkAxis::LEFT), 0.0, 105.0);
  setToolTip("click to go to that time's frame");
}

TimelineChart::~TimelineChart() = default;

QString TimelineChart::legend_html() {
  QString html;
  for (const SeriesStyle& style : kStyles) {
    html += QString("<span style='color:rgb(%1,%2,%3)'>&#9644;</span> %4&nbsp;&nbsp;&nbsp;")
                .arg(style.rgb[0])
                .arg(style.rgb[1])
                .arg(style.rgb[2])
                .arg(QString(style.name).toHtmlEscaped());
  }
  return html + "<span style='color:rgb(200,0,0)'>|</span> current frame (click to seek)";
}

vtkPlot* TimelineChart::series_plot(int index) {
  return index < 0 || index >= kSeriesCount || chart_->GetNumberOfPlots() <= index
             ? nullptr
             : chart_->GetPlot(index);
}

void TimelineChart::set_series(TimelineSeries series) {
  chart_->ClearPlots();
  cursor_plot_ = nullptr;
  table_->Initialize();
  table_->AddColumn(column("t", series.t));
  const std::array<const std::vector<double>*, kSeriesCount> values{
      &series.level_pct, &series.gap_mm, &series.thickness_mm};
  for (int i = 0; i < kSeriesCount; ++i) {
    table_->AddColumn(column(kStyles[std::size_t(i)].name, *values[std::size_t(i)]));
    vtkPlot* plot = chart_->AddPlot(vtkChart::LINE);
    plot->SetInputData(table_, 0, i + 1);
    const auto& rgb = kStyles[std::size_t(i)].rgb;
    plot->SetColor(rgb[0], rgb[1], rgb[2], 255);
    plot->SetWidth(2.0);
    chart_->SetPlotCorner(plot, kStyles[std::size_t(i)].corner);
  }
  const double t_last = series.t.empty() ? 1.0 : std::max(series.t.back(), 1e-6);
  chart_->GetAxis(vtkAxis::BOTTOM)->SetTitle(series.in_seconds ? "time (s)" : "frame");
  fix_range(chart_->GetAxis(vtkAxis::BOTTOM), 0.0, t_last);
  const double mm_max = finite_max(series.gap_mm, finite_max(series.thickness_mm, 1.0));
  fix_range(chart_->GetAxis(vtkAxis::RIGHT), 0.0, std::ceil(mm_max * 1.15));

  cursor_table_->Initialize();
  cursor_table_->AddColumn(column("t", {0.0, 0.0}));
  cursor_table_->AddColumn(column("current frame", {0.0, 105.0}));
  cursor_plot_ = chart_->AddPlot(vtkChart::LINE);
  cursor_plot_->SetInputData(cursor_table_, 0, 1);
  cursor_plot_->SetColor(200, 0, 0, 255);
  cursor_plot_->SetWidth(1.5);
  series_ = std::move(series);
  set_cursor_frame(0);
}

void TimelineChart::set_cursor_frame(int frame) {
  if (!series_ || series_->t.empty()) return;
  const auto index = std::size_t(std::clamp(frame, 0, int(series_->t.size()) - 1));
  cursor_t_ = series_->t[index];
  for (vtkIdType row = 0; row < 2; ++row) cursor_table_->SetValue(row, 0, cursor_t_);
  cursor_table_->Modified();
  window_->Render();
}

double TimelineChart::to_widget_x(double t) {
  vtkAxis* axis = chart_->GetAxis(vtkAxis::BOTTOM);
  const double span = axis->GetMaximum() - axis->GetMinimum();
  const double px = axis->GetPoint1()[0] +
                    (t - axis->GetMinimum()) / span * (axis->GetPoint2()[0] - axis->GetPoint1()[0]);
  return px / devicePixelRatioF();
}

double TimelineChart::to_time(double widget_x) {
  vtkAxis* axis = chart_->GetAxis(vtkAxis::BOTTOM);
  const double width_px = axis->GetPoint2()[0] - axis->GetPoint1()[0];
  if (width_px <= 0.0) return axis->GetMinimum();
  const double fraction = (widget_x * devicePixelRatioF() - axis->GetPoint1()[0]) / width_px;
  return axis->GetMinimum() + fraction * (axis->GetMaximum() - axis->GetMinimum());
}

void TimelineChart::mousePressEvent(QMouseEvent* event) {
  if (series_ && event->button() == Qt::LeftButton) {
    emit seek_requested(nearest_frame(*series_, to_time(event->pos().x())));
    event->accept();
    return;
  }
  QVTKOpenGLNativeWidget::mousePressEvent(event);
}

}  // namespace dynamus::view
