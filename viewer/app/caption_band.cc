#include "caption_band.h"

#include <vtkActor2D.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty2D.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include "dynamus/overlay/overlay.h"

namespace dynamus::view {
namespace {

constexpr int kFontPx = 14;
constexpr int kSwatchPx = 12;
constexpr int kSwatchGapPx = 6;
constexpr double kBandGrey = 0.12;  // a dark band, distinct from the image's black background

vtkSmartPointer<vtkTextActor> text_actor(double r, double g, double b) {
  auto text = vtkSmartPointer<vtkTextActor>::New();
  vtkTextProperty* property = text->GetTextProperty();
  property->SetFontSize(kFontPx);
  property->SetColor(r, g, b);
  property->SetVerticalJustificationToCentered();
  text->GetPositionCoordinate()->SetCoordinateSystemToViewport();
  return text;
}

vtkSmartPointer<vtkActor2D> swatch(const overlay::Rgba& colour) {
  vtkNew<vtkPoints> points;
  points->InsertNextPoint(0, 0, 0);
  points->InsertNextPoint(kSwatchPx, 0, 0);
  points->InsertNextPoint(kSwatchPx, kSwatchPx, 0);
  points->InsertNextPoint(0, kSwatchPx, 0);
  vtkNew<vtkCellArray> square;
  square->InsertNextCell({0, 1, 2, 3});
  vtkNew<vtkPolyData> data;
  data->SetPoints(points);
  data->SetPolys(square);
  vtkNew<vtkPolyDataMapper2D> mapper;
  mapper->SetInputData(data);
  auto result = vtkSmartPointer<vtkActor2D>::New();
  result->SetMapper(mapper);
  result->GetProperty()->SetColor(colour.r / 255.0, colour.g / 255.0, colour.b / 255.0);
  result->GetPositionCoordinate()->SetCoordinateSystemToViewport();
  return result;
}

}  // namespace

CaptionBand::CaptionBand() {
  renderer_->SetBackground(kBandGrey, kBandGrey, kBandGrey);
  renderer_->InteractiveOff();  // zoom and pan act on the image only
  for (int i = 0; i < kCaptionLines; ++i) {
    caption_.push_back(text_actor(1, 1, 1));
    renderer_->AddViewProp(caption_.back());
  }
  for (const overlay::LegendEntry& entry : overlay::legend()) {
    swatches_.push_back(swatch(entry.colour));
    names_.push_back(text_actor(0.85, 0.85, 0.85));
    names_.back()->SetInput(entry.name.c_str());
    renderer_->AddViewProp(swatches_.back());
    renderer_->AddViewProp(names_.back());
  }
}

void CaptionBand::set_caption(const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < caption_.size(); ++i)
    caption_[i]->SetInput(i < lines.size() ? lines[i].c_str() : "");
}

void CaptionBand::place(const ViewLayout& layout) {
  renderer_->SetViewport(0, 0, 1, double(layout.band_height_px()) / layout.height_px());
  // Viewport pixels, y up from the band's bottom: caption lines first, the legend below them.
  const double top = layout.band_height_px() - kBandPaddingPx - kLineHeightPx / 2.0;
  for (std::size_t i = 0; i < caption_.size(); ++i)
    caption_[i]->SetPosition(kBandPaddingPx, top - double(i) * kLineHeightPx);
  const int columns = layout.legend_columns();
  for (std::size_t i = 0; i < names_.size(); ++i) {
    const int row = int(i) / columns, column = int(i) % columns;
    const double x = kBandPaddingPx + column * kLegendColumnWidthPx;
    const double y = top - (kCaptionLines + row) * kLineHeightPx;
    swatches_[i]->SetPosition(x, y - kSwatchPx / 2.0);
    names_[i]->SetPosition(x + kSwatchPx + kSwatchGapPx, y);
  }
}

}  // namespace dynamus::view
