#include "scene.h"

#include <fmt/format.h>
#include <vtkCamera.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cstring>

#include "dynamus/review/review_overlay.h"

namespace dynamus::view {
namespace {

// Far enough that every overlay depth lies between the camera and the image.
constexpr double kCameraDistanceMm = 1000.0;
constexpr int kHelpFontPx = 14;
constexpr int kHelpMarginPx = 12;

}  // namespace

Scene::Scene(vtkRenderWindow* window, imaging::CineLoop loop)
    : window_(window),
      loop_(std::move(loop)),
      spacing_mm_(loop_.calibration().spacing_mm.value_or(std::array<double, 2>{1.0, 1.0})),
      overlay_actors_(image_renderer_) {
  // No multisampling: on Mesa's software renderer (llvmpipe) VTK's default 8 samples cost three
  // to four times the frame time (docs/benchmarks.md) and would keep playback below 60 fps. The
  // same setting for the window and the screenshot keeps the two alike.
  window_->SetMultiSamples(0);
  image_->SetDimensions(loop_.width_px(), loop_.height_px(), 1);
  image_->SetSpacing(spacing_mm_[0], spacing_mm_[1], 1.0);
  image_->SetOrigin(0, 0, 0);
  image_->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
  image_actor_->GetMapper()->SetInputData(image_);
  // Whole pixels, edge ones included, so the image spans exactly width * spacing.
  image_actor_->GetMapper()->BorderOn();
  // The stored grey levels as they are; no window/level applied until the user drags one.
  image_actor_->GetProperty()->SetColorWindow(255.0);
  image_actor_->GetProperty()->SetColorLevel(127.5);
  image_actor_->GetProperty()->SetInterpolationTypeToLinear();
  image_renderer_->AddViewProp(image_actor_);
  vtkTextProperty* help = help_->GetTextProperty();
  help->SetFontSize(kHelpFontPx);
  help->SetFontFamilyToCourier();  // the keys line up in a column
  help->SetColor(1, 1, 1);
  help->SetBackgroundColor(0, 0, 0);
  help->SetBackgroundOpacity(0.8);
  help->SetVerticalJustificationToTop();
  help_->VisibilityOff();
  // The help in a renderer of its own on the layer above the image's, so that it covers the
  // caliper labels instead of being drawn under them.
  window_->SetNumberOfLayers(2);
  help_renderer_->SetLayer(1);
  help_renderer_->InteractiveOff();
  help_renderer_->AddViewProp(help_);
  help_renderer_->DrawOff();  // not even cleared while the help is hidden
  image_renderer_->SetBackground(0, 0, 0);
  vtkCamera* camera = image_renderer_->GetActiveCamera();
  camera->ParallelProjectionOn();
  window_->AddRenderer(image_renderer_);
  window_->AddRenderer(band_.renderer());
  window_->AddRenderer(help_renderer_);
  if (!loop_.calibration().spacing_mm)
    note_ = "no calibration: shown in pixels, nothing measured in mm";
}

Scene::~Scene() {
  overlay_actors_.clear();
  window_->RemoveRenderer(image_renderer_);
  window_->RemoveRenderer(band_.renderer());
  window_->RemoveRenderer(help_renderer_);
}

void Scene::set_analysis(std::shared_ptr<const segmentation::Analysis> analysis) {
  analysis_ = std::move(analysis);
  update_overlay();
}

void Scene::set_note(std::string note) {
  note_ = std::move(note);
  update_overlay();
}

void Scene::set_layers(overlay::LayerSet layers) {
  layers_ = layers;
  update_overlay();
}

void Scene::set_review(std::shared_ptr<const review::Review> review) {
  review_ = std::move(review);
  update_overlay();
}

void Scene::set_selected(std::optional<std::size_t> finding) {
  selected_ = finding;
  update_overlay();
}

void Scene::set_help(const std::string& text, bool shown) {
  help_->SetInput(text.c_str());
  help_->SetVisibility(shown);
  help_renderer_->SetDraw(shown);
}

bool Scene::help_shown() const { return help_->GetVisibility() != 0; }

void Scene::show_frame(int frame) {
  frame_ = std::clamp(frame, 0, loop_.frame_count() - 1);
  const auto pixels = loop_.frame(frame_);
  // Rows run downward in both the loop and the image data (y is depth), so the copy is direct.
  std::memcpy(image_->GetScalarPointer(), pixels.data(), pixels.size());
  image_->Modified();
  update_overlay();
}

void Scene::update_overlay() {
  if (analysis_) {
    drawn_ = overlay::frame_overlay(loop_, *analysis_, frame_, layers_);
    if (review_) {
      review::apply_corrections(*review_, frame_, drawn_);
      drawn_.caption = overlay::caption(loop_, *analysis_, frame_,
                                        review::caption_measures(*review_, *analysis_, frame_));
    }
    const std::array<double, 2> centre_mm{(loop_.width_px() - 1) * spacing_mm_[0] / 2,
                                          (loop_.height_px() - 1) * spacing_mm_[1] / 2};
    const double pixels_per_mm = layout_ ? layout_->pixels_per_mm() : 1.0;
    overlay_actors_.show(drawn_, pixels_per_mm, centre_mm);
    if (review_ && selected_) {
      std::vector<overlay::PointMm> at_mm;
      for (const review::HandleRef& h : review::handles(*review_, *selected_, frame_))
        at_mm.push_back(h.at_mm);
      overlay_actors_.show_handles(at_mm, pixels_per_mm);
    }
    caption_ = drawn_.caption;
  } else {
    // Until the analysis arrives: where we are in the loop, and why there is no overlay.
    overlay_actors_.clear();
    drawn_ = {};
    std::string line = fmt::format("frame {} of {}", frame_, loop_.frame_count());
    if (loop_.has_timing())
      line += fmt::format("  {:.2f} s", loop_.timing().timestamps_s[std::size_t(frame_)]);
    caption_ = {line};
  }
  if (!note_.empty()) caption_.push_back(note_);
  band_.set_caption(caption_);
  image_renderer_->ResetCameraClippingRange();
}

void Scene::fit(int width_px, int height_px) {
  layout_.emplace(width_px, height_px, loop_.width_px(), loop_.height_px(), spacing_mm_,
                  int(overlay::legend().size()));
  image_renderer_->SetViewport(0, double(layout_->band_height_px()) / layout_->height_px(), 1, 1);
  help_renderer_->SetViewport(image_renderer_->GetViewport());
  band_.place(*layout_);
  // Looking along +z with y pointing down the screen: x to the right, depth downward.
  vtkCamera* camera = image_renderer_->GetActiveCamera();
  const auto [cx, cy] = layout_->centre_mm();
  camera->SetFocalPoint(cx, cy, 0);
  camera->SetPosition(cx, cy, -kCameraDistanceMm);
  camera->SetViewUp(0, -1, 0);
  camera->SetParallelScale(layout_->parallel_scale_mm());
  help_->SetPosition(kHelpMarginPx, layout_->image_area_height_px() - kHelpMarginPx);
  update_overlay();  // marker and tick sizes follow the scale
}

void Scene::reset_view() {
  image_actor_->GetProperty()->SetColorWindow(255.0);
  image_actor_->GetProperty()->SetColorLevel(127.5);
  if (layout_) fit(layout_->width_px(), layout_->height_px());
}

}  // namespace dynamus::view
