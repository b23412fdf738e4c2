// The overlay model of one frame (dynamus::overlay::FrameOverlay, in mm) as VTK props in the
// image's renderer: fills and outlines as polydata, markers as crosses, calipers as lines with end
// ticks and a label, arrows with heads. It draws; it decides nothing about what to draw.
#pragma once

#include <vtkNew.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <array>
#include <memory>
#include <vector>

#include "dynamus/overlay/overlay.h"

class vtkTextActor;

namespace dynamus::view {

class OverlayActors {
 public:
  explicit OverlayActors(vtkRenderer* renderer);
  ~OverlayActors();
  OverlayActors(const OverlayActors&) = delete;
  OverlayActors& operator=(const OverlayActors&) = delete;

  // Replaces what is shown. pixels_per_mm (the fitted view's) sizes markers, ticks and arrow heads
  // so that they read the same at any image size; labels sit on the side of their caliper that
  // faces image_centre_mm, so they stay inside the image.
  void show(const overlay::FrameOverlay& overlay, double pixels_per_mm,
            const std::array<double, 2>& image_centre_mm);
  // Adds hollow squares at the handles a reviewer can drag (the selected finding's caliper ends
  // and region vertices), over everything else; show() removes them.
  void show_handles(const std::vector<overlay::PointMm>& handles_mm, double pixels_per_mm);
  // Hides everything.
  void clear();

 private:
  // The actors are kept from frame to frame and their geometry and text updated in place: during
  // playback every frame has the same kinds of shapes, and new actors each frame meant new
  // mappers, buffers and label textures each frame (docs/benchmarks.md).
  struct Shape;
  Shape& next_shape(bool filled);
  vtkTextActor* next_label();
  void hide_unused();

  vtkRenderer* renderer_;  // not owned; outlives this
  std::vector<std::unique_ptr<Shape>> lines_, fills_;
  std::vector<vtkSmartPointer<vtkTextActor>> labels_;
  std::size_t lines_used_ = 0, fills_used_ = 0, labels_used_ = 0;
};

}  // namespace dynamus::view
