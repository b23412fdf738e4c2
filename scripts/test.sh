#!/usr/bin/env bash
# Sets up, builds and runs every test. Real-data tests read ../shared/realdata (or
# $DYNAMUS_REALDATA) and skip, saying so, where it is absent.
#
# scripts/test.sh --sanitize builds build-asan/ instead (AddressSanitizer + UndefinedBehaviorSanitizer
# + LeakSanitizer, cmake -DDYNAMUS_SANITIZE=ON) and runs the whole suite there, viewer included;
# see the Sanitizers section of docs/architecture.md.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
timeout=600
case "${1:-}" in
  "") ;;
  # Under ASan the slowest phantom test (MusclePhantom accuracy sweep) takes ~10 min alone.
  --sanitize) build=build-asan timeout=1800 ;;
  *)
    echo "usage: scripts/test.sh [--sanitize]" >&2
    exit 2
    ;;
esac

scripts/setup.sh
if [ "$build" = build-asan ]; then
  # Debug (assert() on) at -O1, see cmake/DynamusSanitize.cmake; no benchmarks (not run by ctest).
  launcher=()
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDYNAMUS_SANITIZE=ON \
    -DDYNAMUS_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
  cmake --build build-asan --parallel "${DYNAMUS_BUILD_JOBS:-$(nproc)}"
fi
cd "$build"
ctest --output-on-failure --parallel "${DYNAMUS_TEST_JOBS:-$(nproc)}" --timeout "$timeout"
cd ..
if [ "$build" = build ]; then
  # Each libFuzzer harness replays every kept regression input and seed, then runs a short,
  # reproducible smoke run (fixed seed and count; tests/fuzz/, docs/fuzzing.md); a crash fails.
  scripts/fuzz.sh --seed 1 --runs "${DYNAMUS_FUZZ_SMOKE_RUNS:-5000}" --time 120
fi
