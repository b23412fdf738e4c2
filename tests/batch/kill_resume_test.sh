#!/usr/bin/env bash
# A batch killed with SIGKILL at random points, then resumed, ends with exactly the results of an
# uninterrupted run (issue 9, item 4, at a reduced size): simulator studies plus 10 % corrupt
# copies, 2 workers; the batch's process group or the batch alone (its workers must die with it)
# is killed KILLS times, then one run finishes. The summaries must be byte for byte the same, every
# done row must have its complete folder, and nothing temporary may be left.
# Usage: kill_resume_test.sh DYNAMUS WORK_DIR [STUDIES=12] [KILLS=4]
set -euo pipefail
dynamus=$1
work=$2
studies=${3:-12}
kills=${4:-4}
if ! command -v sqlite3 >/dev/null; then
  echo "kill_resume_test: skipped: the sqlite3 shell is not installed (scripts/setup.sh installs it)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work/in"
scenarios=(healthy tendinopathy partial-tear full-tear retracting-tear)
for ((i = 0; i < studies; i++)); do
  "$dynamus" simulate --frames 12 --size 320x240 --scenario "${scenarios[i % 5]}" --seed $((i + 1)) \
    -o "$work/in/s$(printf %03d "$i")" >/dev/null
done
corrupt=$((studies / 10 > 0 ? studies / 10 : 1))
for ((i = 0; i < corrupt; i++)); do
  file="$work/in/s$(printf %03d "$i").dcm"
  head -c $(($(stat -c %s "$file") / 2)) "$file" >"$work/in/corrupt$i.dcm"
done

"$dynamus" batch "$work/in" -o "$work/reference" --jobs 2 2>/dev/null || test $? -eq 1

for ((k = 0; k < kills; k++)); do
  setsid "$dynamus" batch "$work/in" -o "$work/killed" --jobs 2 2>/dev/null &
  pid=$!
  sleep "$((RANDOM % 2)).$((RANDOM % 10))"
  if ((k % 2 == 0)); then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  else
    kill -KILL "$pid" 2>/dev/null || true # the batch alone: its workers die with it
  fi
  wait "$pid" 2>/dev/null || true
done
"$dynamus" batch "$work/in" -o "$work/killed" --jobs 2 2>/dev/null || test $? -eq 1

fail() {
  echo "kill_resume_test: $*" >&2
  exit 1
}
for file in summary.csv summary.json; do
  cmp -s "$work/reference/$file" "$work/killed/$file" || {
    diff "$work/reference/$file" "$work/killed/$file" >&2 || true
    fail "$file differs from the uninterrupted run's"
  }
done
done_rows=$(sqlite3 "$work/killed/ledger.sqlite" "SELECT COUNT(*) FROM studies WHERE status = 'done'")
test "$done_rows" -eq "$studies" || fail "$done_rows done rows, expected $studies"
failed_rows=$(sqlite3 "$work/killed/ledger.sqlite" "SELECT COUNT(*) FROM studies WHERE status = 'failed'")
test "$failed_rows" -eq "$corrupt" || fail "$failed_rows failed rows, expected $corrupt"
folders=0
for folder in "$work/killed/studies"/*; do
  case "$folder" in *.tmp-*) fail "temporary folder left: $folder" ;; esac
  test -f "$folder/result.json" || fail "incomplete study folder: $folder"
  folders=$((folders + 1))
done
test "$folders" -eq "$studies" || fail "$folders study folders, expected $studies"
runs=$(sqlite3 "$work/killed/ledger.sqlite" "SELECT COUNT(*) FROM runs")
rm -rf "$work"
echo "kill_resume_test: $studies studies + $corrupt corrupt, $kills kills, $runs runs: same results"
