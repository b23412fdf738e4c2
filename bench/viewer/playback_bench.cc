// Playback through the real Scene: every frame shown with all overlay layers and rendered at
// 800 x 600 in an unmapped X window (Mesa's software renderer under xvfb-run -a). Not in ctest:
// run `xvfb-run -a build/bin/viewer_bench`.
#include <benchmark/benchmark.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>

#include <filesystem>
#include <memory>

#include "dynamus/imaging/load.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/segmentation/analysis.h"
#include "scene.h"

namespace {

constexpr int kWidthPx = 800, kHeightPx = 600;

// The scene of the bundled tear scan, analysed once, all layers shown, in an unmapped window.
struct Playback {
  Playback() {
    auto loop =
        dynamus::imaging::load(std::filesystem::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.dcm");
    auto analysis = dynamus::segmentation::analyze(loop.value());
    frames = loop->frame_count();
    window->SetOffScreenRendering(1);
    window->SetSize(kWidthPx, kHeightPx);
    scene = std::make_unique<dynamus::view::Scene>(window, std::move(loop).value());
    scene->set_analysis(
        std::make_shared<const dynamus::segmentation::Analysis>(std::move(analysis).value()));
    dynamus::overlay::LayerSet all = scene->layers();
    all.shown.fill(true);
    scene->set_layers(all);
    scene->fit(kWidthPx, kHeightPx);
  }
  vtkNew<vtkRenderWindow> window;
  std::unique_ptr<dynamus::view::Scene> scene;
  int frames = 0;
};

Playback& playback() {
  static Playback instance;
  return instance;
}

// What playback costs per frame: the next frame shown and rendered.
void BM_PlaybackAllOverlays800x600(benchmark::State& state) {
  Playback& p = playback();
  int frame = 0;
  for (auto _ : state) {
    p.scene->show_frame(frame);
    p.window->Render();
    frame = (frame + 1) % p.frames;
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PlaybackAllOverlays800x600)->Unit(benchmark::kMillisecond)->UseRealTime();

// Its two parts: the overlay model and actors updated without rendering, and a render of an
// unchanged frame.
void BM_ShowFrameOnly(benchmark::State& state) {
  Playback& p = playback();
  int frame = 0;
  for (auto _ : state) {
    p.scene->show_frame(frame);
    frame = (frame + 1) % p.frames;
  }
}
BENCHMARK(BM_ShowFrameOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RenderUnchangedFrame(benchmark::State& state) {
  Playback& p = playback();
  p.scene->show_frame(0);
  for (auto _ : state) p.window->Render();
}
BENCHMARK(BM_RenderUnchangedFrame)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
