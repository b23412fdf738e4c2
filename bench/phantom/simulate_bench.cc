// Phantom speed: 100 frames at 640x480 (target: 10 s on the 2-core machine), per frame, and the
// OpenCV reference in the same run: the separable Gaussian blur of one frame's I/Q grid alone,
// the convolution every frame needs.
//
//   build/bin/phantom_bench
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>

#include "dynamus/phantom/phantom.h"
#include "dynamus/phantom/scanner.h"

namespace {

using dynamus::phantom::PhantomParams;

PhantomParams hundred_frames() {
  PhantomParams params;
  params.scenario = dynamus::phantom::Scenario::kRetractingTear;
  params.frames = 100;
  params.width_px = 640;
  params.height_px = 480;
  params.spacing_mm = 0.1;
  return params;
}

void BM_Simulate100Frames640x480(benchmark::State& state) {
  const PhantomParams params = hundred_frames();
  for (auto _ : state) {
    auto loop = dynamus::phantom::simulate(params);
    if (!loop.ok()) {
      state.SkipWithError(loop.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(loop->loop.pixels().data());
  }
  state.counters["frames_per_s"] = benchmark::Counter(
      double(params.frames) * double(state.iterations()), benchmark::Counter::kIsRate);
}

// Reference: OpenCV's separable blur of the same 10 MHz grid (2 x 4 grid cells per pixel), once
// per frame, 100 frames.
void BM_OpenCvBlurOfTheGridReference(benchmark::State& state) {
  dynamus::phantom::ScannerParams scanner_params;
  const dynamus::phantom::Scanner scanner(scanner_params);
  const int rows =
      int(scanner_params.height_px * scanner_params.spacing_mm / scanner.grid_axial_mm());
  const int cols =
      int(scanner_params.width_px * scanner_params.spacing_mm / scanner.grid_lateral_mm());
  cv::Mat grid(rows, cols, CV_32FC2);
  cv::randn(grid, 0.0, 1.0);
  const cv::Mat axial = cv::getGaussianKernel(
      2 * int(std::ceil(3 * scanner.axial_sigma_mm() / scanner.grid_axial_mm())) + 1,
      scanner.axial_sigma_mm() / scanner.grid_axial_mm(), CV_32F);
  const cv::Mat lateral = cv::getGaussianKernel(
      2 * int(std::ceil(3 * scanner.lateral_sigma_mm() / scanner.grid_lateral_mm())) + 1,
      scanner.lateral_sigma_mm() / scanner.grid_lateral_mm(), CV_32F);
  cv::Mat out;
  for (auto _ : state) {
    for (int frame = 0; frame < 100; ++frame) cv::sepFilter2D(grid, out, CV_32F, lateral, axial);
    benchmark::DoNotOptimize(out.data);
  }
}

BENCHMARK(BM_Simulate100Frames640x480)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_OpenCvBlurOfTheGridReference)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
