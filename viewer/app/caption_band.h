// The strip below the image: the caption of the current frame (frame, time, contraction and the
// findings, as the overlay model words them) and the legend with each layer's colour. Drawn in a
// renderer of its own, so that text never covers the image, and captured with it in screenshots.
#pragma once

#include <vtkNew.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <string>
#include <vector>

#include "view_layout.h"

class vtkActor2D;
class vtkTextActor;

namespace dynamus::view {

class CaptionBand {
 public:
  CaptionBand();
  CaptionBand(const CaptionBand&) = delete;
  CaptionBand& operator=(const CaptionBand&) = delete;

  vtkRenderer* renderer() { return renderer_; }
  // Up to kCaptionLines lines; more are dropped.
  void set_caption(const std::vector<std::string>& lines);
  // Positions everything for the window's size.
  void place(const ViewLayout& layout);

 private:
  vtkNew<vtkRenderer> renderer_;
  std::vector<vtkSmartPointer<vtkTextActor>> caption_;
  std::vector<vtkSmartPointer<vtkActor2D>> swatches_;
  std::vector<vtkSmartPointer<vtkTextActor>> names_;
};

}  // namespace dynamus::view
