#!/usr/bin/env bash
# Load and faults (issue 9, item 4): STUDIES simulator studies plus 10 % corrupt copies (truncated,
# header bytes flipped, zero-length, garbage, in turn) scored by `dynamus batch --jobs 2`.
#   1. An uninterrupted run: every good study done with a score, every bad one failed with a
#      reason, the peak RSS of the workers (ledger) and of the whole process tree (GNU time)
#      reported and bounded, nothing half-written (no temporaries, every study folder complete).
#   2. A second batch folder, its batch (or its whole process group) killed with SIGKILL at KILLS
#      random points (seeded; the seed and the delays are printed), resumed each time, then run to
#      the end: summary.csv, summary.json and every study's result.json and frames.csv byte for
#      byte those of the uninterrupted run, and the same checks as in 1.
# Usage: load_test.sh DYNAMUS WORK_DIR [STUDIES] [KILLS=5] [SEED]
#   STUDIES defaults to $DYNAMUS_LOAD_STUDIES, else 40 (ctest); the full load is 200.
#   SEED defaults to $DYNAMUS_LOAD_SEED, else a random one (printed, so a failure can be replayed).
# Bounds: each worker's peak RSS <= $DYNAMUS_LOAD_MAX_WORKER_MIB (default 400), the process tree's
# <= $DYNAMUS_LOAD_MAX_TREE_MIB (default 400; the batch itself stays far below its workers).
set -euo pipefail
dynamus=$1
work=$2
studies=${3:-${DYNAMUS_LOAD_STUDIES:-40}}
kills=${4:-5}
seed=${5:-${DYNAMUS_LOAD_SEED:-$(($(date +%s%N) / 1000 % 32768))}}
max_worker_mib=${DYNAMUS_LOAD_MAX_WORKER_MIB:-400}
max_tree_mib=${DYNAMUS_LOAD_MAX_TREE_MIB:-400}
for tool in sqlite3 /usr/bin/time; do
  if ! command -v "$tool" >/dev/null; then
    echo "load_test: skipped: $tool is not installed (scripts/setup.sh installs it)"
    exit 77
  fi
done
fail() {
  echo "load_test: $*" >&2
  exit 1
}
echo "load_test: $studies studies, $kills kills, seed $seed"
RANDOM=$seed
rm -rf "$work"
mkdir -p "$work/in"

# The studies: every scenario, a seed each, 10 to 16 frames so the loops differ in length too.
scenarios=(healthy tendinopathy partial-tear full-tear retracting-tear)
for ((i = 0; i < studies; i++)); do
  "$dynamus" simulate --frames $((10 + i % 7)) --size 320x240 --scenario "${scenarios[i % 5]}" \
    --seed $((i + 1)) -o "$work/in/s$(printf %03d "$i")" >/dev/null
done
rm -f "$work"/in/*.truth.json
# The corrupt copies, one kind after the other.
corrupt=$((studies / 10 > 0 ? studies / 10 : 1))
for ((i = 0; i < corrupt; i++)); do
  source="$work/in/s$(printf %03d "$i").dcm"
  copy="$work/in/bad$(printf %03d "$i")"
  case $((i % 4)) in
    0) head -c $(($(stat -c %s "$source") / 2)) "$source" >"$copy-truncated.dcm" ;;
    1) # the preamble's end, "DICM" and the file meta group: every byte inverted
      cp "$source" "$copy-header.dcm"
      perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; seek $f, 128, 0; read $f, my $b, 128;
               seek $f, 128, 0; print $f ($b ^ ("\xff" x 128))' "$copy-header.dcm" ;;
    2) : >"$copy-empty.dcm" ;;
    3) # seeded garbage
      perl -e 'srand($ARGV[0]); print map { chr(int(rand(256))) } 1 .. 4096' "$((seed + i))" \
        >"$copy-garbage.dcm" ;;
  esac
done
good=$studies

# Every check both batch folders must pass. Prints the workers' peak RSS (MiB): max and median.
check_folder() {
  local dir=$1 db="$1/ledger.sqlite"
  test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok || fail "$dir: ledger damaged"
  local scored failed unfinished folders leftovers
  scored=$(sqlite3 "$db" "SELECT COUNT(*) FROM studies WHERE status = 'done' AND tear_score IS NOT NULL")
  test "$scored" -eq "$good" || fail "$dir: $scored studies done with a score, expected $good"
  failed=$(sqlite3 "$db" "SELECT COUNT(*) FROM studies WHERE status = 'failed' AND error_code IN (3, 4)
                          AND error_message <> '' AND path LIKE '%/bad%'")
  test "$failed" -eq "$corrupt" || fail "$dir: $failed corrupt copies failed with a reason, expected $corrupt"
  unfinished=$(sqlite3 "$db" "SELECT COUNT(*) FROM studies WHERE status IN ('queued', 'running')")
  test "$unfinished" -eq 0 || fail "$dir: $unfinished rows not finished"
  leftovers=$(find "$dir" -name '*.tmp-*' | head -3)
  test -z "$leftovers" || fail "$dir: temporaries left: $leftovers"
  folders=0
  for folder in "$dir/studies"/*; do
    for file in result.json frames.csv rest.png peak.png findings.txt analyze.log; do
      test -s "$folder/$file" || test "$file" = analyze.log || fail "incomplete study folder: $folder ($file)"
    done
    folders=$((folders + 1))
  done
  test "$folders" -eq "$good" || fail "$dir: $folders study folders, expected $good"
}

# 1. Uninterrupted.
start_ms=$(($(date +%s%N) / 1000000))
/usr/bin/time -f '%M' -o "$work/tree_rss_kib" \
  "$dynamus" batch "$work/in" -o "$work/reference" --jobs 2 2>"$work/reference.log" ||
  test $? -eq 1 || fail "the batch failed: $(tail -3 "$work/reference.log")"
span_ms=$(($(date +%s%N) / 1000000 - start_ms))
check_folder "$work/reference"
read -r worker_max_kib worker_median_kib < <(sqlite3 -separator ' ' "$work/reference/ledger.sqlite" \
  "SELECT MAX(peak_rss_kib), (SELECT peak_rss_kib FROM studies WHERE status = 'done'
   ORDER BY peak_rss_kib LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM studies WHERE status = 'done'))
   FROM studies")
tree_kib=$(tail -1 "$work/tree_rss_kib")
test "$worker_max_kib" -gt 0 || fail "the ledger recorded no worker peak RSS"
test "$worker_max_kib" -le $((max_worker_mib * 1024)) ||
  fail "a worker's peak RSS $((worker_max_kib / 1024)) MiB is above the bound $max_worker_mib MiB"
test "$tree_kib" -le $((max_tree_mib * 1024)) ||
  fail "the batch's process tree peaked at $((tree_kib / 1024)) MiB, above the bound $max_tree_mib MiB"
printf 'load_test: uninterrupted: %d inputs (%d corrupt) in %d.%d s; peak RSS: workers max %d MiB, median %d MiB; process tree %d MiB\n' \
  $((good + corrupt)) "$corrupt" $((span_ms / 1000)) $((span_ms % 1000 / 100)) $((worker_max_kib / 1024)) $((worker_median_kib / 1024)) $((tree_kib / 1024))

# 2. Killed at random points, resumed each time. The studies still to do took left_ms in the
# uninterrupted run; each delay is drawn from [0.2 s, 0.2 s + 2 left_ms / kills left], so on
# average the kills spread over the whole batch (while hashing, between studies, mid-study, while
# the summary is written) instead of the first one ending it.
done_now=0
for ((k = 0; k < kills; k++)); do
  left_ms=$((span_ms * (good - done_now) / good))
  range_ms=$((2 * left_ms / (kills - k)))
  delay_ms=$((200 + (RANDOM * 32768 + RANDOM) % (range_ms > 1 ? range_ms : 1)))
  setsid "$dynamus" batch "$work/in" -o "$work/killed" --jobs 2 2>/dev/null &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if ((k % 2 == 0)); then
    what="process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || what="nothing (it had finished)"
  else
    what="batch alone" # its workers must die with it
    kill -KILL "$pid" 2>/dev/null || what="nothing (it had finished)"
  fi
  wait "$pid" 2>/dev/null || true
  done_now=$(sqlite3 "$work/killed/ledger.sqlite" "SELECT COUNT(*) FROM studies WHERE status = 'done'" 2>/dev/null || echo 0)
  echo "load_test: kill $((k + 1)) after ${delay_ms} ms: $what; $done_now studies done so far"
done
"$dynamus" batch "$work/in" -o "$work/killed" --jobs 2 2>/dev/null || test $? -eq 1
check_folder "$work/killed"
for file in summary.csv summary.json; do
  cmp -s "$work/reference/$file" "$work/killed/$file" || {
    diff "$work/reference/$file" "$work/killed/$file" >&2 || true
    fail "$file differs from the uninterrupted run's"
  }
done
compared=0
for folder in "$work/reference/studies"/*; do
  for file in result.json frames.csv; do
    cmp -s "$folder/$file" "$work/killed/studies/${folder##*/}/$file" ||
      fail "studies/${folder##*/}/$file differs from the uninterrupted run's"
    compared=$((compared + 1))
  done
done
runs=$(sqlite3 "$work/killed/ledger.sqlite" "SELECT COUNT(*) FROM runs")
rm -rf "$work"
echo "load_test: $kills kills, $runs runs: summaries and $compared study files identical to the uninterrupted run"
