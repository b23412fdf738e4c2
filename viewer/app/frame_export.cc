#include "frame_export.h"

#include <fmt/format.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include <cstring>
#include <string>

#include "cine_controller.h"
#include "dynamus/imaging/write.h"
#include "dynamus/reporting/anonymize.h"
#include "scene.h"
#include "screenshot.h"

namespace dynamus::view {
namespace {

// The window as just rendered, top row first (VTK's images start at the bottom).
Status grab_rgb(vtkRenderWindow* window, int width_px, int height_px,
                std::vector<std::uint8_t>& rgb) {
  window->Render();
  vtkNew<vtkWindowToImageFilter> capture;
  capture->SetInput(window);
  capture->SetInputBufferTypeToRGB();
  capture->ReadFrontBufferOff();
  capture->Update();
  vtkImageData* image = capture->GetOutput();
  int dims[3];
  image->GetDimensions(dims);
  if (dims[0] != width_px || dims[1] != height_px)
    return Status(StatusCode::kInternal, "the render window changed size during the export");
  const auto* pixels = static_cast<const std::uint8_t*>(image->GetScalarPointer());
  const std::size_t row_bytes = std::size_t(width_px) * 3;
  rgb.resize(row_bytes * std::size_t(height_px));
  for (int y = 0; y < height_px; ++y)
    std::memcpy(rgb.data() + std::size_t(y) * row_bytes,
                pixels + std::size_t(height_px - 1 - y) * row_bytes, row_bytes);
  return ok_status();
}

}  // namespace

Status export_frames(vtkRenderWindow* window, Scene& scene, const std::filesystem::path& path,
                     FrameRange range, bool anonymize) {
  if (anonymize) {
    if (const std::string warning = reporting::burned_in_text_warning(scene.loop());
        !warning.empty())
      return Status(StatusCode::kInvalidArgument, "not exported: " + warning, path.string());
  }
  const int frame_count = scene.loop().frame_count();
  if (range.first < 0 || range.last >= frame_count || range.first > range.last) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("frames {}..{} are not within the loop's frames 0..{}", range.first,
                              range.last, frame_count - 1),
                  path.string());
  }
  const std::string extension = path.extension().string();
  const int shown = scene.frame();
  Status status = ok_status();
  if (extension == ".png") {
    if (range.last != range.first)
      return Status(StatusCode::kInvalidArgument, "a PNG holds one frame: export a range as .mp4",
                    path.string());
    scene.show_frame(range.first);
    status = write_screenshot(window, path);
  } else if (extension == ".mp4") {
    const int* size = window->GetSize();
    const int width_px = size[0], height_px = size[1];
    const double fps = scene.loop().fps().value_or(CineController::kFallbackFps);
    status = imaging::write_rgb_video(path, fps, width_px, height_px, range.last - range.first + 1,
                                      [&](int index, std::vector<std::uint8_t>& rgb) {
                                        scene.show_frame(range.first + index);
                                        return grab_rgb(window, width_px, height_px, rgb);
                                      });
  } else {
    return Status(StatusCode::kInvalidArgument, "export to .png (one frame) or .mp4 (frames)",
                  path.string());
  }
  scene.show_frame(shown);
  window->Render();
  return status;
}

}  // namespace dynamus::view
