#include "overlay_actors.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkTriangleFilter.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace dynamus::view {
namespace {

using overlay::PointMm;
using overlay::Rgba;

// The camera looks along +z from negative z, so smaller z is nearer: fills over the image,
// lines over the fills.
constexpr double kFillZ = -0.1;
constexpr double kLineZ = -0.2;
constexpr double kLineWidthPx = 2.0;
constexpr double kMarkerHalfPx = 7.0;
constexpr double kTickHalfPx = 6.0;
constexpr double kArrowHeadPx = 7.0;
constexpr int kLabelFontPx = 15;
constexpr double kLabelOffsetPx = 10.0;
constexpr double kLabelCharPx = 9.0;  // a bold 15 px character is at most this wide
constexpr double kHandleHalfPx = 4.0;
constexpr double kHandleZ = -0.3;  // over the lines
constexpr Rgba kHandleColour{255, 255, 255, 255};

// Segments (pairs of points) or one polyline, as polydata at depth z.
vtkSmartPointer<vtkPolyData> polyline(const std::vector<PointMm>& points_mm, bool closed,
                                      double z) {
  vtkNew<vtkPoints> points;
  for (const PointMm& p : points_mm) points->InsertNextPoint(p.x_mm, p.y_mm, z);
  vtkNew<vtkCellArray> lines;
  const auto n = static_cast<vtkIdType>(points_mm.size());
  lines->InsertNextCell(static_cast<int>(closed ? n + 1 : n));
  for (vtkIdType i = 0; i < n; ++i) lines->InsertCellPoint(i);
  if (closed) lines->InsertCellPoint(0);
  auto data = vtkSmartPointer<vtkPolyData>::New();
  data->SetPoints(points);
  data->SetLines(lines);
  return data;
}

vtkSmartPointer<vtkPolyData> segments(const std::vector<std::array<PointMm, 2>>& pairs) {
  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> lines;
  for (const auto& [a, b] : pairs) {
    lines->InsertNextCell(2);
    lines->InsertCellPoint(points->InsertNextPoint(a.x_mm, a.y_mm, kLineZ));
    lines->InsertCellPoint(points->InsertNextPoint(b.x_mm, b.y_mm, kLineZ));
  }
  auto data = vtkSmartPointer<vtkPolyData>::New();
  data->SetPoints(points);
  data->SetLines(lines);
  return data;
}

// Exact colours: no lighting, so a fill blends with the B-mode by its alpha alone.
vtkSmartPointer<vtkActor> actor(vtkPolyData* data, const Rgba& colour, bool triangulate = false) {
  vtkNew<vtkPolyDataMapper> mapper;
  if (triangulate) {
    // The mapper assumes convex polygons; a tear region need not be one.
    vtkNew<vtkTriangleFilter> triangles;
    triangles->SetInputData(data);
    triangles->Update();
    mapper->SetInputData(triangles->GetOutput());
  } else {
    mapper->SetInputData(data);
  }
  auto result = vtkSmartPointer<vtkActor>::New();
  result->SetMapper(mapper);
  vtkProperty* property = result->GetProperty();
  property->SetColor(colour.r / 255.0, colour.g / 255.0, colour.b / 255.0);
  property->SetOpacity(colour.a / 255.0);
  property->SetLineWidth(kLineWidthPx);
  property->LightingOff();
  return result;
}

PointMm along(const PointMm& from, double dx, double dy) {
  return {from.x_mm + dx, from.y_mm + dy};
}

// A label that follows its anchor in the image at a fixed offset in screen pixels.
// The top (smallest depth) of the filled regions under x, if any: a label placed above it leaves
// the region it measures in view.
std::optional<double> top_of_fills_at(const overlay::FrameOverlay& overlay, double x_mm) {
  std::optional<double> top;
  for (const overlay::Path& path : overlay.paths) {
    if (!path.fill) continue;
    double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY;
    for (const PointMm& p : path.points_mm) {
      min_x = std::min(min_x, p.x_mm), max_x = std::max(max_x, p.x_mm);
      min_y = std::min(min_y, p.y_mm);
    }
    if (x_mm >= min_x && x_mm <= max_x) top = std::min(top.value_or(INFINITY), min_y);
  }
  return top;
}

// Whether a filled region lies within `width_mm` of x on one side, across the depths [top, bottom]:
// a label put there would cover it.
bool fill_beside(const overlay::FrameOverlay& overlay, double x_mm, double top_mm, double bottom_mm,
                 double width_mm, bool to_the_right) {
  for (const overlay::Path& path : overlay.paths) {
    if (!path.fill) continue;
    for (const PointMm& p : path.points_mm) {
      const double dx = to_the_right ? p.x_mm - x_mm : x_mm - p.x_mm;
      if (dx >= 0 && dx <= width_mm && p.y_mm >= top_mm && p.y_mm <= bottom_mm) return true;
    }
  }
  return false;
}

vtkSmartPointer<vtkTextActor> label(const overlay::Caliper& caliper,
                                    const overlay::FrameOverlay& overlay,
                                    const std::array<double, 2>& image_centre_mm,
                                    double pixels_per_mm) {
  const double mid_x = (caliper.from_mm.x_mm + caliper.to_mm.x_mm) / 2;
  double mid_y = (caliper.from_mm.y_mm + caliper.to_mm.y_mm) / 2;
  const bool horizontal = std::abs(caliper.to_mm.x_mm - caliper.from_mm.x_mm) >=
                          std::abs(caliper.to_mm.y_mm - caliper.from_mm.y_mm);
  auto text = vtkSmartPointer<vtkTextActor>::New();
  text->SetInput(caliper.label.c_str());
  vtkTextProperty* property = text->GetTextProperty();
  property->SetFontSize(kLabelFontPx);
  property->BoldOn();
  property->SetColor(caliper.colour.r / 255.0, caliper.colour.g / 255.0, caliper.colour.b / 255.0);
  // A dark box keeps the label readable over bright speckle.
  property->SetBackgroundColor(0, 0, 0);
  property->SetBackgroundOpacity(0.65);
  if (horizontal) mid_y = std::min(mid_y, top_of_fills_at(overlay, mid_x).value_or(mid_y));
  vtkNew<vtkCoordinate> anchor;
  anchor->SetCoordinateSystemToWorld();
  anchor->SetValue(mid_x, mid_y, kLineZ);
  vtkCoordinate* position = text->GetPositionCoordinate();
  position->SetCoordinateSystemToDisplay();
  position->SetReferenceCoordinate(anchor);
  // A horizontal caliper (the gap) is labelled above its middle and above the region it spans, a
  // vertical one (thickness)
  // beside it towards the image's centre: the label never covers the measured ends, nor leaves
  // the image at its edges. (Display y points up, image depth down.)
  bool to_the_right = mid_x <= image_centre_mm[0];
  if (!horizontal) {
    // Not over a tear region beside the caliper: then on its other side.
    const double width_mm =
        (kLabelOffsetPx + kLabelCharPx * double(caliper.label.size())) / pixels_per_mm;
    const double top = std::min(caliper.from_mm.y_mm, caliper.to_mm.y_mm);
    const double bottom = std::max(caliper.from_mm.y_mm, caliper.to_mm.y_mm);
    if (fill_beside(overlay, mid_x, top, bottom, width_mm, to_the_right) &&
        !fill_beside(overlay, mid_x, top, bottom, width_mm, !to_the_right))
      to_the_right = !to_the_right;
  }
  if (horizontal) {
    property->SetJustificationToCentered();
    property->SetVerticalJustificationToBottom();
    position->SetValue(0, kLabelOffsetPx);
  } else if (to_the_right) {
    property->SetJustificationToLeft();
    property->SetVerticalJustificationToCentered();
    position->SetValue(kLabelOffsetPx, 0);
  } else {
    property->SetJustificationToRight();
    property->SetVerticalJustificationToCentered();
    position->SetValue(-kLabelOffsetPx, 0);
  }
  return text;
}

}  // namespace

void OverlayActors::show(const overlay::FrameOverlay& overlay, double pixels_per_mm,
                         const std::array<double, 2>& image_centre_mm) {
  clear();
  const double px = 1.0 / pixels_per_mm;  // one screen pixel of the fitted view, in mm
  for (const overlay::Path& path : overlay.paths) {
    if (path.points_mm.size() < 2) continue;
    if (path.fill && path.points_mm.size() >= 3) {
      auto fill = polyline(path.points_mm, false, kFillZ);
      vtkNew<vtkCellArray> polygon;
      polygon->InsertNextCell(static_cast<int>(path.points_mm.size()));
      for (vtkIdType i = 0; i < static_cast<vtkIdType>(path.points_mm.size()); ++i)
        polygon->InsertCellPoint(i);
      fill->SetLines(nullptr);
      fill->SetPolys(polygon);
      add(actor(fill, *path.fill, true));
    }
    add(actor(polyline(path.points_mm, path.closed, kLineZ), path.stroke));
  }
  for (const overlay::Marker& marker : overlay.markers) {
    const double h = kMarkerHalfPx * px;
    const PointMm& c = marker.at_mm;
    add(actor(segments({{along(c, -h, -h), along(c, h, h)}, {along(c, -h, h), along(c, h, -h)}}),
              marker.colour));
  }
  for (const overlay::Caliper& caliper : overlay.calipers) {
    const double dx = caliper.to_mm.x_mm - caliper.from_mm.x_mm;
    const double dy = caliper.to_mm.y_mm - caliper.from_mm.y_mm;
    const double length = std::hypot(dx, dy);
    std::vector<std::array<PointMm, 2>> lines{{caliper.from_mm, caliper.to_mm}};
    if (length > 0) {
      // Ticks across the line at both ends.
      const double nx = -dy / length * kTickHalfPx * px, ny = dx / length * kTickHalfPx * px;
      for (const PointMm& end : {caliper.from_mm, caliper.to_mm})
        lines.push_back({along(end, -nx, -ny), along(end, nx, ny)});
    }
    add(actor(segments(lines), caliper.colour));
    if (!caliper.label.empty()) add(label(caliper, overlay, image_centre_mm, pixels_per_mm));
  }
  // The motion layer has an arrow per tracked node: one actor per colour for all of them, since
  // an actor each (hundreds) dominated the playback frame time (docs/benchmarks.md).
  std::vector<std::pair<Rgba, std::vector<std::array<PointMm, 2>>>> arrows_by_colour;
  for (const overlay::Arrow& arrow : overlay.arrows) {
    auto same = std::find_if(arrows_by_colour.begin(), arrows_by_colour.end(), [&](const auto& e) {
      return e.first.r == arrow.colour.r && e.first.g == arrow.colour.g &&
             e.first.b == arrow.colour.b && e.first.a == arrow.colour.a;
    });
    if (same == arrows_by_colour.end())
      same = arrows_by_colour.insert(arrows_by_colour.end(), {arrow.colour, {}});
    std::vector<std::array<PointMm, 2>>& lines = same->second;
    const double dx = arrow.to_mm.x_mm - arrow.from_mm.x_mm;
    const double dy = arrow.to_mm.y_mm - arrow.from_mm.y_mm;
    const double length = std::hypot(dx, dy);
    lines.push_back({arrow.from_mm, arrow.to_mm});
    if (length > 0) {
      // A head no longer than a third of a short arrow, so tiny motions stay arrows.
      const double head = std::min(kArrowHeadPx * px, length / 3) / length;
      const double ux = -dx * head, uy = -dy * head;  // back along the arrow
      const double c = std::cos(0.45), s = std::sin(0.45);
      lines.push_back({arrow.to_mm, along(arrow.to_mm, c * ux - s * uy, s * ux + c * uy)});
      lines.push_back({arrow.to_mm, along(arrow.to_mm, c * ux + s * uy, -s * ux + c * uy)});
    }
  }
  for (const auto& [colour, lines] : arrows_by_colour) add(actor(segments(lines), colour));
}

void OverlayActors::show_handles(const std::vector<PointMm>& handles_mm, double pixels_per_mm) {
  if (handles_mm.empty()) return;
  const double h = kHandleHalfPx / pixels_per_mm;
  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> squares;
  for (const PointMm& c : handles_mm) {
    squares->InsertNextCell(5);
    const vtkIdType first = points->GetNumberOfPoints();
    for (const auto& [dx, dy] : {std::pair{-h, -h}, {h, -h}, {h, h}, {-h, h}})
      points->InsertNextPoint(c.x_mm + dx, c.y_mm + dy, kHandleZ);
    for (vtkIdType i = 0; i < 5; ++i) squares->InsertCellPoint(first + i % 4);
  }
  auto data = vtkSmartPointer<vtkPolyData>::New();
  data->SetPoints(points);
  data->SetLines(squares);
  add(actor(data, kHandleColour));
}

void OverlayActors::clear() {
  for (const auto& prop : props_) renderer_->RemoveViewProp(prop);
  props_.clear();
}

void OverlayActors::add(vtkSmartPointer<vtkProp> prop) {
  renderer_->AddViewProp(prop);
  props_.push_back(std::move(prop));
}

}  // namespace dynamus::view
