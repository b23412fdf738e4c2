#include "screenshot.h"

#include <fmt/format.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkWindowToImageFilter.h>

#include <memory>

#include "dynamus/core/atomic_file.h"
#include "dynamus/review/review_file.h"
#include "dynamus/segmentation/analysis.h"
#include "scene.h"

namespace dynamus::view {

Status write_screenshot(vtkRenderWindow* window, const std::filesystem::path& path) {
  window->Render();
  vtkNew<vtkWindowToImageFilter> capture;
  capture->SetInput(window);
  capture->SetInputBufferTypeToRGB();
  capture->ReadFrontBufferOff();  // the buffer just rendered, whatever covers the window
  capture->Update();
  return write_file_atomically(path, [&](const std::filesystem::path& temporary) -> Status {
    vtkNew<vtkPNGWriter> writer;
    writer->SetInputConnection(capture->GetOutputPort());
    writer->SetFileName(temporary.c_str());
    writer->Write();
    if (writer->GetErrorCode() != 0)
      return Status(StatusCode::kUnreadable, "cannot write the PNG", path.string());
    return ok_status();
  });
}

Status render_screenshot(const imaging::CineLoop& loop, const ScreenshotRequest& request) {
  if (request.frame && (*request.frame < 0 || *request.frame >= loop.frame_count())) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("--frame {} is outside the loop's frames 0..{}", *request.frame,
                              loop.frame_count() - 1),
                  loop.source().path);
  }
  const segmentation::AnalysisParams params =
      request.stored ? request.stored->params : request.params;
  Result<segmentation::Analysis> analysis = segmentation::analyze(loop, params);
  if (!analysis.ok()) return analysis.status();
  const int frame = request.frame.value_or(analysis->phases.peak_frame);
  std::shared_ptr<const review::Review> review;
  if (request.stored && !request.reviewer.empty()) {
    Result<review::Review> loaded =
        review::load_review(review::review_path(request.stored->dir, request.reviewer),
                            request.stored->reviewed(), review::findings(*analysis));
    if (loaded.ok()) {
      review = std::make_shared<const review::Review>(std::move(loaded).value());
    } else if (loaded.status().code() != StatusCode::kNotFound) {
      return loaded.status();
    }
  }

  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->SetSize(request.width_px, request.height_px);
  Scene scene(window, loop);
  scene.set_analysis(std::make_shared<const segmentation::Analysis>(std::move(analysis).value()));
  scene.set_review(review);
  scene.fit(request.width_px, request.height_px);
  scene.show_frame(frame);
  FrameRange range{frame, frame};
  if (request.range) {
    range = *request.range;
  } else if (!request.frame && request.output.extension() == ".mp4") {
    range = {0, loop.frame_count() - 1};
  }
  return export_frames(window, scene, request.output, range, request.anonymize);
}

}  // namespace dynamus::view
