// Tracking speed on one core (OpenCV's threads off): one 640x480 phantom frame pair per
// iteration, the default tracker and OpenCV's references in the same run; and tracking plus
// contraction phases over a 300-frame loop on all cores (as `dynamus track --phases`).
#include <benchmark/benchmark.h>

#include <map>
#include <opencv2/core.hpp>

#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/phantom/phantom.h"

namespace {

const dynamus::phantom::PhantomLoop& phantom_loop(int frames) {
  static std::map<int, dynamus::phantom::PhantomLoop> loops;
  auto it = loops.find(frames);
  if (it == loops.end()) {
    dynamus::phantom::PhantomParams params;
    params.frames = frames;
    it = loops.emplace(frames, std::move(dynamus::phantom::simulate(params).value())).first;
  }
  return it->second;
}

void BM_TrackPairOneCore(benchmark::State& state, const char* name) {
  const auto& loop = phantom_loop(30).loop;
  const auto tracker = std::move(dynamus::imaging::create_tracker(name).value());
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  for (auto _ : state) {
    auto field =
        tracker->track(loop.frame(12), loop.frame(13), loop.width_px(), loop.height_px(), 8);
    benchmark::DoNotOptimize(field);
  }
  cv::setNumThreads(threads);
  state.counters["pairs_per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_TrackPairOneCore, default, "default")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackPairOneCore, dis_ultrafast, "dis-ultrafast")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackPairOneCore, dis_fast, "dis-fast")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackPairOneCore, dis_medium, "dis-medium")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackPairOneCore, farneback, "farneback")->Unit(benchmark::kMillisecond);

// Consecutive pairs as track() runs them, each starting from the previous pair's field.
void BM_TrackLoopOneCore(benchmark::State& state, const char* name, int step_px) {
  const auto& loop = phantom_loop(30).loop;
  const auto tracker = std::move(dynamus::imaging::create_tracker(name).value());
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  for (auto _ : state) {
    auto motion = dynamus::imaging::track(loop, *tracker, {step_px});
    benchmark::DoNotOptimize(motion);
  }
  cv::setNumThreads(threads);
  state.counters["pairs_per_s"] = benchmark::Counter(
      double(loop.frame_count() - 1) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_TrackLoopOneCore, default_step8, "default", 8)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackLoopOneCore, default_step16, "default", 16)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackLoopOneCore, dis_medium_step8, "dis-medium", 8)
    ->Unit(benchmark::kMillisecond);

void BM_PhasesOf300Frames(benchmark::State& state) {
  const auto& loop = phantom_loop(300).loop;
  const auto tracker = std::move(dynamus::imaging::create_tracker("default").value());
  for (auto _ : state) {
    auto motion = dynamus::imaging::track(loop, *tracker);
    auto phases = dynamus::imaging::contraction_phases(*motion);
    benchmark::DoNotOptimize(phases);
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(300.0 * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PhasesOf300Frames)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
