#!/usr/bin/env bash
# Sets up, builds and runs every test. Real-data tests read ../shared/realdata (or
# $DYNAMUS_REALDATA) and skip, saying so, where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure --parallel "${DYNAMUS_TEST_JOBS:-$(nproc)}" --timeout 600
cd ..
# Each libFuzzer harness for a short smoke run after replaying every kept regression input and
# seed (tests/fuzz/; docs/fuzzing.md); a crash fails the run.
scripts/fuzz.sh --time "${DYNAMUS_FUZZ_SMOKE_SECONDS:-12}"
