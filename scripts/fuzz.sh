#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz/ (docs/fuzzing.md).
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [--seed S] [HARNESS...]
#
# Installs clang and libFuzzer when missing, configures and builds build-fuzz/ (clang, ASan +
# UBSan, only the libraries the harnesses need), seeds each corpus from the real data
# (../shared/realdata, or $DYNAMUS_REALDATA) and tests/fuzz/regressions/<harness>/, then runs each
# harness at low priority with bounded memory for SECONDS (default 60) or N executions, whichever
# ends first. --seed S fixes libFuzzer's random choices, so that --runs from a fresh corpus tries
# the same inputs every time: scripts/test.sh's smoke run is reproducible, and new crashes are
# found by longer runs here. Prints executions, corpus inputs and crashes per harness; exits 1
# when a harness found a crash (the input is kept in build-fuzz/fuzz/<harness>/artifacts/ to
# minimise and keep as a regression).
set -euo pipefail
cd "$(dirname "$0")/.."

all_harnesses=(dicom metaimage video sidecar manifest analysis)
seconds=60
runs=-1   # libFuzzer: no limit
seed=0    # libFuzzer: a random seed
harnesses=()
while (($#)); do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --time=*) seconds="${1#--time=}"; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
((${#harnesses[@]})) || harnesses=("${all_harnesses[@]}")
for harness in "${harnesses[@]}"; do
  [[ " ${all_harnesses[*]} " == *" $harness "* ]] ||
    { echo "fuzz.sh: no harness '$harness' (have: ${all_harnesses[*]})" >&2; exit 2; }
done

# clang and its libFuzzer runtime (libclang-rt-14-dev holds libclang_rt.fuzzer*.a).
missing=()
for package in clang libclang-rt-14-dev ffmpeg; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
    "${missing[@]}"
fi

build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" -DDYNAMUS_BUILD_FUZZ=ON \
    -DDYNAMUS_BUILD_TESTS=OFF -DDYNAMUS_BUILD_BENCH=OFF -DDYNAMUS_BUILD_VIEWER=OFF >/dev/null
fi
targets=()
for harness in "${harnesses[@]}"; do targets+=("fuzz_$harness"); done
nice cmake --build "$build" --parallel "${DYNAMUS_BUILD_JOBS:-1}" --target "${targets[@]}"

realdata="${DYNAMUS_REALDATA:-../shared/realdata}"
[ -d "$realdata" ] || echo "fuzz.sh: no real data at $realdata; seeding from the regressions only"
# Inputs above this are not seeded and not generated: they slow every execution.
max_len=262144
marker=$'\n#dynamus-fuzz-data-file#\n'  # metaimage_fuzz.cc: header before it, data file after

seed_files() {  # seed_files DIR FILE...: copies the files of at most max_len bytes into DIR
  local dir="$1" file
  shift
  for file in "$@"; do
    [ -f "$file" ] && (($(stat -c %s "$file") <= max_len)) && cp "$file" "$dir/"
  done
  return 0
}

seed() {  # seed HARNESS DIR: the real-data seeds of one harness
  local harness="$1" dir="$2"
  case "$harness" in
    dicom) seed_files "$dir" "$realdata"/dicom/*.dcm "$realdata"/odd/*.dcm ;;
    metaimage)
      seed_files "$dir" "$realdata"/plus/*.mha "$realdata"/plus/*.nrrd
      # A header + data file pair, cut to one frame, as the harness splits it.
      local header
      for header in "$realdata"/plus/*.mhd; do
        [ -f "$header" ] || continue
        local data dims
        data="$(dirname "$header")/$(sed -n 's/^ElementDataFile *= *//p' "$header" | tr -d ' \r')"
        dims=($(sed -n 's/^DimSize *= *//p' "$header"))
        [ -f "$data" ] && ((${#dims[@]} == 3)) || continue
        {
          sed -e "s/^DimSize *=.*/DimSize = ${dims[0]} ${dims[1]} 1/" \
            -e 's/^ElementDataFile *=.*/ElementDataFile = data.raw/' "$header"
          printf '%s' "$marker"
          head -c $((dims[0] * dims[1])) "$data"
        } >"$dir/$(basename "$header").pair"
      done
      ;;
    video)
      # Small clips of each container detect_format() knows, made by FFmpeg.
      local container
      for container in mp4 avi mkv; do
        ffmpeg -loglevel error -y -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 4 \
          -pix_fmt yuv420p "$dir/clip.$container" </dev/null || true
      done
      ;;
  esac
  return 0
}

summary=()
crashed=0
for harness in "${harnesses[@]}"; do
  work="$build/fuzz/$harness"
  seeds="$work/seeds"
  rm -rf "$seeds"
  mkdir -p "$work/corpus" "$seeds" "$work/artifacts"
  seed "$harness" "$seeds"
  for kept in tests/fuzz/regressions/"$harness" tests/fuzz/seeds/"$harness"; do
    [ -d "$kept" ] && cp "$kept"/* "$seeds/"
  done
  before=$(find "$work/artifacts" -type f | wc -l)
  log="$work/last.log"
  echo "== fuzz_$harness: ${seconds}s, $(find "$seeds" -type f | wc -l) seeds, corpus $work/corpus"
  # Leaks inside FFmpeg's and GDCM's caches are not ours to fix within a run; ASan still catches
  # every memory error. Each input gets 25 s, 2 GB resident and 1 GB per allocation at most.
  # The harnesses write each input into a scratch folder under TMPDIR before the library reads it
  # (tests/fuzz/fuzz_support.h): when libFuzzer dies before it can save the input (an abort inside
  # ASan's own allocator, say), the input is still there.
  scratch="$work/scratch"
  rm -rf "$scratch"
  mkdir -p "$scratch"
  status=0
  TMPDIR="$scratch" ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" nice -n 10 "$build/bin/fuzz_$harness" \
    -max_total_time="$seconds" -runs="$runs" -seed="$seed" -max_len="$max_len" -timeout=25 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" "$seeds" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  inputs=$(find "$work/corpus" -type f | wc -l)
  crashes=$(($(find "$work/artifacts" -type f | wc -l) - before))
  if ((status != 0)) && ((crashes == 0)); then
    crashes=1
    for unsaved in "$scratch"/dynamus-fuzz-*/*; do
      [ -f "$unsaved" ] && cp "$unsaved" "$work/artifacts/unsaved-$(date +%s)-$(basename "$unsaved")"
    done
  fi
  if ((crashes > 0)); then
    crashed=1
    grep -E "^(==[0-9]+==ERROR|SUMMARY|fuzz check failed|.*runtime error)" "$log" | head -5 || true
    echo "   log: $log; inputs: $work/artifacts/"
  fi
  summary+=("$(printf '%-10s %12s %8s %8s' "$harness" "${executions:-?}" "$inputs" "$crashes")")
done

printf '\n%-10s %12s %8s %8s\n' harness executions inputs crashes
printf '%s\n' "${summary[@]}"
exit "$crashed"
