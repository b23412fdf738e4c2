// Everything a render window shows of a loop: the B-mode frame as an image in mm (origin at the
// centre of the first pixel, y depth downward), the overlay of the current frame and, in a band
// below, the caption and the legend. The GUI window and the screenshot path both draw through it,
// so a screenshot is what the sonographer sees.
#pragma once

#include <vtkNew.h>
#include <vtkSmartPointer.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caption_band.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/review/review.h"
#include "dynamus/segmentation/analysis.h"
#include "overlay_actors.h"
#include "view_layout.h"

class vtkImageActor;
class vtkImageData;
class vtkRenderWindow;
class vtkRenderer;
class vtkTextActor;

namespace dynamus::view {

class Scene {
 public:
  // Adds its renderers to `window` (not owned; outlives the scene).
  Scene(vtkRenderWindow* window, imaging::CineLoop loop);
  ~Scene();
  Scene(const Scene&) = delete;
  Scene& operator=(const Scene&) = delete;

  const imaging::CineLoop& loop() const { return loop_; }
  // Until an analysis is set the frames show without an overlay, with `note` in the caption.
  void set_analysis(std::shared_ptr<const segmentation::Analysis> analysis);
  void set_note(std::string note);
  void set_layers(overlay::LayerSet layers);
  overlay::LayerSet layers() const { return layers_; }
  // The review whose corrections are drawn (nullptr: the analysis as it is), and the finding whose
  // handles are shown.
  void set_review(std::shared_ptr<const review::Review> review);
  void set_selected(std::optional<std::size_t> finding);
  // The shortcuts, in a box over the image's top left corner while shown.
  void set_help(const std::string& text, bool shown);
  bool help_shown() const;

  // Shows frame (clamped to the loop) with its overlay; the caller renders.
  void show_frame(int frame);
  int frame() const { return frame_; }
  // The caption lines under the image, for the GUI's own display too.
  const std::vector<std::string>& caption() const { return caption_; }
  // The overlay model last drawn (corrections applied); empty until the analysis is set.
  const overlay::FrameOverlay& drawn() const { return drawn_; }

  // Lays out the window of width_px x height_px and fits the image into it (resets zoom and pan).
  void fit(int width_px, int height_px);
  // Back to the fitted camera and the stored grey levels (after zooming, panning, window/level).
  void reset_view();
  const ViewLayout& layout() const { return *layout_; }
  vtkRenderer* image_renderer() { return image_renderer_; }

 private:
  void update_overlay();

  vtkRenderWindow* window_;
  imaging::CineLoop loop_;
  std::array<double, 2> spacing_mm_;
  std::shared_ptr<const segmentation::Analysis> analysis_;
  std::shared_ptr<const review::Review> review_;
  std::optional<std::size_t> selected_;
  std::string note_;
  overlay::LayerSet layers_;
  int frame_ = 0;
  std::vector<std::string> caption_;
  overlay::FrameOverlay drawn_;

  vtkNew<vtkRenderer> image_renderer_;
  vtkNew<vtkImageData> image_;
  vtkNew<vtkImageActor> image_actor_;
  OverlayActors overlay_actors_;
  vtkNew<vtkTextActor> help_;
  vtkNew<vtkRenderer> help_renderer_;
  CaptionBand band_;
  std::optional<ViewLayout> layout_;
};

}  // namespace dynamus::view
