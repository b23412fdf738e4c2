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

using Segments = std::vector<std::array<PointMm, 2>>;

void set_colour(vtkActor* actor, const Rgba& colour) {
  vtkProperty* property = actor->GetProperty();
  property->SetColor(colour.r / 255.0, colour.g / 255.0, colour.b / 255.0);
  property->SetOpacity(colour.a / 255.0);
}

}  // namespace

struct OverlayActors::Shape {
  explicit Shape(bool filled) {
    data->SetPoints(points);
    if (filled) {
      data->SetPolys(cells);
      // The mapper assumes convex polygons; a tear region need not be one.
      triangles->SetInputData(data);
      mapper->SetInputConnection(triangles->GetOutputPort());
      // Blended over the image in the opaque pass, drawn before the lines (nearer, depth-tested):
      // as a translucent actor it would take VTK's order-independent translucency pass, whose
      // full-window float buffers llvmpipe fills on the CPU every frame.
      actor->ForceOpaqueOn();
    } else {
      data->SetLines(cells);
      mapper->SetInputData(data);
    }
    actor->SetMapper(mapper);
    vtkProperty* property = actor->GetProperty();
    property->SetLineWidth(kLineWidthPx);
    // Exact colours: no lighting, so a fill blends with the B-mode by its alpha alone.
    property->LightingOff();
  }

  // One polyline (closed: back to its first point), or the polygon of a fill, at depth z.
  void set_path(const std::vector<PointMm>& points_mm, bool closed, double z) {
    const auto n = static_cast<vtkIdType>(points_mm.size());
    points->SetNumberOfPoints(n);
    for (vtkIdType i = 0; i < n; ++i)
      points->SetPoint(i, points_mm[std::size_t(i)].x_mm, points_mm[std::size_t(i)].y_mm, z);
    cells->Reset();
    cells->InsertNextCell(static_cast<int>(closed ? n + 1 : n));
    for (vtkIdType i = 0; i < n; ++i) cells->InsertCellPoint(i);
    if (closed) cells->InsertCellPoint(0);
    changed();
  }

  void set_segments(const Segments& pairs, double z = kLineZ) {
    points->SetNumberOfPoints(static_cast<vtkIdType>(2 * pairs.size()));
    cells->Reset();
    vtkIdType next = 0;
    for (const auto& [a, b] : pairs) {
      points->SetPoint(next, a.x_mm, a.y_mm, z);
      points->SetPoint(next + 1, b.x_mm, b.y_mm, z);
      cells->InsertNextCell({next, next + 1});
      next += 2;
    }
    changed();
  }

  void changed() {
    points->Modified();
    cells->Modified();
    data->Modified();
    actor->VisibilityOn();
  }

  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> cells;
  vtkNew<vtkPolyData> data;
  vtkNew<vtkTriangleFilter> triangles;
  vtkNew<vtkPolyDataMapper> mapper;
  vtkNew<vtkActor> actor;
};

namespace {

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

void set_label(vtkTextActor* text, const overlay::Caliper& caliper,
               const overlay::FrameOverlay& overlay, const std::array<double, 2>& image_centre_mm,
               double pixels_per_mm) {
  const double mid_x = (caliper.from_mm.x_mm + caliper.to_mm.x_mm) / 2;
  double mid_y = (caliper.from_mm.y_mm + caliper.to_mm.y_mm) / 2;
  const bool horizontal = std::abs(caliper.to_mm.x_mm - caliper.from_mm.x_mm) >=
                          std::abs(caliper.to_mm.y_mm - caliper.from_mm.y_mm);
  // Unchanged text keeps its texture: vtkTextActor renders a string again only when it changes.
  text->SetInput(caliper.label.c_str());
  vtkTextProperty* property = text->GetTextProperty();
  property->SetColor(caliper.colour.r / 255.0, caliper.colour.g / 255.0, caliper.colour.b / 255.0);
  if (horizontal) mid_y = std::min(mid_y, top_of_fills_at(overlay, mid_x).value_or(mid_y));
  vtkCoordinate* position = text->GetPositionCoordinate();
  position->GetReferenceCoordinate()->SetValue(mid_x, mid_y, kLineZ);
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
  text->VisibilityOn();
}

}  // namespace

OverlayActors::OverlayActors(vtkRenderer* renderer) : renderer_(renderer) {}

OverlayActors::~OverlayActors() {
  for (const auto& shape : lines_) renderer_->RemoveViewProp(shape->actor);
  for (const auto& shape : fills_) renderer_->RemoveViewProp(shape->actor);
  for (const auto& text : labels_) renderer_->RemoveViewProp(text);
}

OverlayActors::Shape& OverlayActors::next_shape(bool filled) {
  auto& pool = filled ? fills_ : lines_;
  std::size_t& used = filled ? fills_used_ : lines_used_;
  if (used == pool.size()) {
    pool.push_back(std::make_unique<Shape>(filled));
    renderer_->AddViewProp(pool.back()->actor);
  }
  return *pool[used++];
}

vtkTextActor* OverlayActors::next_label() {
  if (labels_used_ == labels_.size()) {
    auto text = vtkSmartPointer<vtkTextActor>::New();
    vtkTextProperty* property = text->GetTextProperty();
    property->SetFontSize(kLabelFontPx);
    property->BoldOn();
    // A dark box keeps the label readable over bright speckle.
    property->SetBackgroundColor(0, 0, 0);
    property->SetBackgroundOpacity(0.65);
    vtkNew<vtkCoordinate> anchor;
    anchor->SetCoordinateSystemToWorld();
    vtkCoordinate* position = text->GetPositionCoordinate();
    position->SetCoordinateSystemToDisplay();
    position->SetReferenceCoordinate(anchor);
    renderer_->AddViewProp(text);
    labels_.push_back(text);
  }
  return labels_[labels_used_++];
}

void OverlayActors::hide_unused() {
  for (std::size_t i = lines_used_; i < lines_.size(); ++i) lines_[i]->actor->VisibilityOff();
  for (std::size_t i = fills_used_; i < fills_.size(); ++i) fills_[i]->actor->VisibilityOff();
  for (std::size_t i = labels_used_; i < labels_.size(); ++i) labels_[i]->VisibilityOff();
}

void OverlayActors::show(const overlay::FrameOverlay& overlay, double pixels_per_mm,
                         const std::array<double, 2>& image_centre_mm) {
  lines_used_ = fills_used_ = labels_used_ = 0;
  const double px = 1.0 / pixels_per_mm;  // one screen pixel of the fitted view, in mm
  for (const overlay::Path& path : overlay.paths) {
    if (path.points_mm.size() < 2) continue;
    if (path.fill && path.points_mm.size() >= 3) {
      Shape& fill = next_shape(true);
      fill.set_path(path.points_mm, false, kFillZ);
      set_colour(fill.actor, *path.fill);
    }
    Shape& line = next_shape(false);
    line.set_path(path.points_mm, path.closed, kLineZ);
    set_colour(line.actor, path.stroke);
  }
  for (const overlay::Marker& marker : overlay.markers) {
    const double h = kMarkerHalfPx * px;
    const PointMm& c = marker.at_mm;
    Shape& cross = next_shape(false);
    cross.set_segments({{along(c, -h, -h), along(c, h, h)}, {along(c, -h, h), along(c, h, -h)}});
    set_colour(cross.actor, marker.colour);
  }
  for (const overlay::Caliper& caliper : overlay.calipers) {
    const double dx = caliper.to_mm.x_mm - caliper.from_mm.x_mm;
    const double dy = caliper.to_mm.y_mm - caliper.from_mm.y_mm;
    const double length = std::hypot(dx, dy);
    Segments lines{{caliper.from_mm, caliper.to_mm}};
    if (length > 0) {
      // Ticks across the line at both ends.
      const double nx = -dy / length * kTickHalfPx * px, ny = dx / length * kTickHalfPx * px;
      for (const PointMm& end : {caliper.from_mm, caliper.to_mm})
        lines.push_back({along(end, -nx, -ny), along(end, nx, ny)});
    }
    Shape& shape = next_shape(false);
    shape.set_segments(lines);
    set_colour(shape.actor, caliper.colour);
    if (!caliper.label.empty())
      set_label(next_label(), caliper, overlay, image_centre_mm, pixels_per_mm);
  }
  // The motion layer has an arrow per tracked node: one actor per colour for all of them, since
  // an actor each (hundreds) dominated the playback frame time (docs/benchmarks.md).
  std::vector<std::pair<Rgba, Segments>> arrows_by_colour;
  for (const overlay::Arrow& arrow : overlay.arrows) {
    auto same = std::find_if(arrows_by_colour.begin(), arrows_by_colour.end(), [&](const auto& e) {
      return e.first.r == arrow.colour.r && e.first.g == arrow.colour.g &&
             e.first.b == arrow.colour.b && e.first.a == arrow.colour.a;
    });
    if (same == arrows_by_colour.end())
      same = arrows_by_colour.insert(arrows_by_colour.end(), {arrow.colour, {}});
    Segments& lines = same->second;
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
  for (const auto& [colour, lines] : arrows_by_colour) {
    Shape& shape = next_shape(false);
    shape.set_segments(lines);
    set_colour(shape.actor, colour);
  }
  hide_unused();
}

void OverlayActors::show_handles(const std::vector<PointMm>& handles_mm, double pixels_per_mm) {
  if (handles_mm.empty()) return;
  const double h = kHandleHalfPx / pixels_per_mm;
  Segments sides;
  for (const PointMm& c : handles_mm) {
    const std::array<PointMm, 4> corners{along(c, -h, -h), along(c, h, -h), along(c, h, h),
                                         along(c, -h, h)};
    for (std::size_t i = 0; i < 4; ++i) sides.push_back({corners[i], corners[(i + 1) % 4]});
  }
  Shape& squares = next_shape(false);
  squares.set_segments(sides, kHandleZ);
  set_colour(squares.actor, kHandleColour);
}

void OverlayActors::clear() {
  lines_used_ = fills_used_ = labels_used_ = 0;
  hide_unused();
}

}  // namespace dynamus::view
