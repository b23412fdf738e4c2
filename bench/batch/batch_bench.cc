// Batch throughput (issue 7): 20 simulator studies (40 frames of 480x360, five scenarios) scored by
// `dynamus batch` with 1 and 2 workers, against `dynamus analyze` run on each study in turn. The
// counters give studies per minute and, for the batch, the per-study overhead over analyze alone
// (hashing, the ledger, the worker's start, the folder rename and the summary).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

constexpr int kStudies = 20;
const std::string kDynamus = std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus";

fs::path work_dir() { return fs::temp_directory_path() / "dynamus_batch_bench"; }

void run(const std::string& command) {
  if (std::system((command + " > /dev/null 2>&1").c_str()) == -1) std::abort();
}

// Simulated once, with the CLI as a user would.
const fs::path& inputs() {
  static const fs::path dir = [] {
    const fs::path in = work_dir() / "in";
    fs::remove_all(work_dir());
    fs::create_directories(in);
    const char* scenarios[] = {"healthy", "tendinopathy", "partial-tear", "full-tear",
                               "retracting-tear"};
    for (int i = 0; i < kStudies; ++i) {
      run(fmt::format("{} simulate --frames 40 --size 480x360 --scenario {} --seed {} -o {}/s{:02}",
                      kDynamus, scenarios[i % 5], i + 1, in.string(), i));
    }
    return in;
  }();
  return dir;
}

// CPU seconds (user + system) of all finished child processes so far: unlike wall time, it does
// not depend on what else the shared machine runs.
double children_cpu_s() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Set by the benchmarks that run first: the batch's overhead and scaling are measured against them.
double g_analyze_alone_s = 0.0;
double g_analyze_alone_cpu_s = 0.0;
double g_batch_one_worker_s = 0.0;

void BM_AnalyzeAlone(benchmark::State& state) {
  const fs::path& in = inputs();
  for (auto _ : state) {
    const double cpu_start_s = children_cpu_s();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kStudies; ++i) {
      const fs::path out = work_dir() / fmt::format("alone{:02}", i);
      fs::remove_all(out);
      run(fmt::format("{} analyze {}/s{:02}.dcm -o {}", kDynamus, in.string(), i, out.string()));
    }
    const double elapsed_s = seconds_since(start);
    state.SetIterationTime(elapsed_s);
    g_analyze_alone_s = elapsed_s;
    g_analyze_alone_cpu_s = children_cpu_s() - cpu_start_s;
  }
  state.counters["cpu_s_per_study"] = g_analyze_alone_cpu_s / kStudies;
  state.counters["studies_per_min"] = kStudies * 60.0 / g_analyze_alone_s;
  state.counters["s_per_study"] = g_analyze_alone_s / kStudies;
}

void BM_Batch(benchmark::State& state) {
  const fs::path& in = inputs();
  const int jobs = int(state.range(0));
  double elapsed_s = 0.0;
  double cpu_s = 0.0;
  for (auto _ : state) {
    const fs::path out = work_dir() / fmt::format("batch{}", jobs);
    fs::remove_all(out);
    const double cpu_start_s = children_cpu_s();
    const auto start = std::chrono::steady_clock::now();
    run(fmt::format("{} batch {} -o {} --jobs {}", kDynamus, in.string(), out.string(), jobs));
    elapsed_s = seconds_since(start);
    cpu_s = children_cpu_s() - cpu_start_s;
    state.SetIterationTime(elapsed_s);
  }
  state.counters["cpu_s_per_study"] = cpu_s / kStudies;
  if (g_analyze_alone_cpu_s > 0.0)
    state.counters["cpu_overhead_s_per_study"] = (cpu_s - g_analyze_alone_cpu_s) / kStudies;
  state.counters["studies_per_min"] = kStudies * 60.0 / elapsed_s;
  if (jobs == 1) {
    g_batch_one_worker_s = elapsed_s;
    // One worker does the same work as analyze alone, in turn: what the batch adds per study.
    if (g_analyze_alone_s > 0.0)
      state.counters["overhead_s_per_study"] = (elapsed_s - g_analyze_alone_s) / kStudies;
  } else if (g_batch_one_worker_s > 0.0) {
    state.counters["scaling_vs_1_worker"] = g_batch_one_worker_s / elapsed_s;
  }
}

BENCHMARK(BM_AnalyzeAlone)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Batch)->Arg(1)->Arg(2)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
