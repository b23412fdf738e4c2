// Decode throughput of dynamus::imaging::load() against the bare library decode it builds on, in
// the same run: GDCM's ImageReader + GetBuffer for a JPEG-baseline ultrasound loop, OpenCV's
// VideoCapture for an H.264 MP4. Peak resident memory of one load is reported as counters: the
// caller's, and the decoding child's (load() decodes in a child process). The in-process variant
// measures what that isolation costs. Times are wall-clock: the child's CPU time is not the
// caller's.
//
//   build/bin/imaging_bench [--benchmark_filter=...]
// Real data from $DYNAMUS_REALDATA or ../shared/realdata; benchmarks needing it are skipped.
#include <benchmark/benchmark.h>
#include <gdcmImageReader.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "dynamus/imaging/load.h"

namespace {

std::filesystem::path realdata(const std::string& relative) {
  const char* env = std::getenv("DYNAMUS_REALDATA");
  const std::filesystem::path root =
      env != nullptr && *env != '\0'
          ? std::filesystem::path(env)
          : std::filesystem::path(DYNAMUS_SOURCE_DIR) / ".." / "shared" / "realdata";
  return root / relative;
}

const std::filesystem::path kGeLoop =
    realdata("dicom/us_mf_jpegbaseline_ybr422_87f_ge_regions.dcm");
const std::filesystem::path kMp4 =
    std::filesystem::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.screen.mp4";

// Peak resident set size since the last reset, from the kernel's high-water mark.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0.0;
}

// The largest peak resident set of any child waited for so far (the decoding processes).
double child_peak_rss_mb() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

bool require(benchmark::State& state, const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) return true;
  state.SkipWithError(("missing " + path.string()).c_str());
  return false;
}

// state.range(0): 1 decodes in a child process (load()'s default), 0 in the caller.
void BM_LoadDicomJpegLoop(benchmark::State& state) {
  if (!require(state, kGeLoop)) return;
  dynamus::imaging::LoadOptions options;
  options.decode_in_child_process = state.range(0) == 1;
  int frames = 0;
  double peak_mb = 0.0;
  for (auto _ : state) {
    reset_peak_rss();
    auto loop = dynamus::imaging::load(kGeLoop, options);
    if (!loop.ok()) {
      state.SkipWithError(loop.status().to_string().c_str());
      return;
    }
    frames += loop->frame_count();
    peak_mb = std::max(peak_mb, peak_rss_mb());
    benchmark::DoNotOptimize(loop->pixels().data());
  }
  state.counters["frames_per_s"] = benchmark::Counter(frames, benchmark::Counter::kIsRate);
  state.counters["peak_rss_mb"] = peak_mb;
  if (options.decode_in_child_process) state.counters["child_peak_rss_mb"] = child_peak_rss_mb();
}

// Reference: GDCM decoding the same file to its native YBR buffer, nothing else.
void BM_GdcmDecodeReference(benchmark::State& state) {
  if (!require(state, kGeLoop)) return;
  int frames = 0;
  for (auto _ : state) {
    gdcm::ImageReader reader;
    reader.SetFileName(kGeLoop.c_str());
    if (!reader.Read()) {
      state.SkipWithError("GDCM cannot read the loop");
      return;
    }
    const gdcm::Image& image = reader.GetImage();
    std::vector<char> buffer(image.GetBufferLength());
    image.GetBuffer(buffer.data());
    frames += int(image.GetDimension(2));
    benchmark::DoNotOptimize(buffer.data());
  }
  state.counters["frames_per_s"] = benchmark::Counter(frames, benchmark::Counter::kIsRate);
}

void BM_LoadMp4(benchmark::State& state) {
  if (!require(state, kMp4)) return;
  dynamus::imaging::LoadOptions options;
  int frames = 0;
  for (auto _ : state) {
    auto loop = dynamus::imaging::load(kMp4, options);
    if (!loop.ok()) {
      state.SkipWithError(loop.status().to_string().c_str());
      return;
    }
    frames += loop->frame_count();
    benchmark::DoNotOptimize(loop->pixels().data());
  }
  state.counters["frames_per_s"] = benchmark::Counter(frames, benchmark::Counter::kIsRate);
}

// Reference: OpenCV decoding the same MP4 to BGR and converting to grey, nothing else.
void BM_OpenCvVideoReference(benchmark::State& state) {
  if (!require(state, kMp4)) return;
  int frames = 0;
  for (auto _ : state) {
    cv::VideoCapture capture(kMp4.string(), cv::CAP_FFMPEG);
    cv::Mat frame, grey;
    while (capture.read(frame)) {
      cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
      ++frames;
    }
    benchmark::DoNotOptimize(grey.data);
  }
  state.counters["frames_per_s"] = benchmark::Counter(frames, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_LoadDicomJpegLoop)
    ->ArgName("in_child")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();
BENCHMARK(BM_GdcmDecodeReference)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_LoadMp4)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_OpenCvVideoReference)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
