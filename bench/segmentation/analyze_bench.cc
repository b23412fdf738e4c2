// The whole analysis of a 300-frame 640x480 loop on both cores (issue 5: <= 3 s end to end):
// load of the DICOM file + analyze() (tracking, phases, tendon, muscle, tear), against OpenCV's
// DIS (medium) optical flow over the same 299 pairs in the same run.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <opencv2/video/tracking.hpp>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/write.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/segmentation/analysis.h"

namespace {

constexpr int kFrames = 300;

// Simulated once and written as DICOM, as a user's file would be.
const std::filesystem::path& loop_file() {
  static const std::filesystem::path path = [] {
    dynamus::phantom::PhantomParams params;
    params.frames = kFrames;
    params.jitter_mm = 0.1;
    const auto phantom = dynamus::phantom::simulate(params).value();
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / "dynamus_analyze_bench.dcm";
    dynamus::imaging::DicomCineIdentity identity;
    identity.patient_name = "DYNAMUS^PHANTOM";
    identity.patient_id = "BENCH";
    identity.uid_seed = "analyze-bench";
    if (!dynamus::imaging::write_dicom(phantom.loop, identity, file).ok()) std::abort();
    return file;
  }();
  return path;
}

// state.range(0): 1 decodes in a child process (load()'s default), 0 in the caller.
void BM_LoadAndAnalyze300Frames(benchmark::State& state) {
  const std::filesystem::path& file = loop_file();
  dynamus::imaging::LoadOptions options;
  options.decode_in_child_process = state.range(0) == 1;
  for (auto _ : state) {
    auto loop = dynamus::imaging::load(file, options);
    auto analysis = dynamus::segmentation::analyze(*loop);
    if (!analysis.ok() || !analysis->tear.suspected) state.SkipWithError("no tear found");
    benchmark::DoNotOptimize(analysis);
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(kFrames * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadAndAnalyze300Frames)
    ->ArgName("in_child")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_OpenCvDisMediumOver300FramesReference(benchmark::State& state) {
  const auto loop = dynamus::imaging::load(loop_file()).value();
  const auto dis = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_MEDIUM);
  auto mat = [&](int f) {
    return cv::Mat(loop.height_px(), loop.width_px(), CV_8UC1,
                   const_cast<std::uint8_t*>(loop.frame(f).data()));
  };
  for (auto _ : state) {
    cv::Mat flow;
    for (int f = 0; f + 1 < loop.frame_count(); ++f) dis->calc(mat(f), mat(f + 1), flow);
    benchmark::DoNotOptimize(flow.data);
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(kFrames * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OpenCvDisMediumOver300FramesReference)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
