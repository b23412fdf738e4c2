#!/usr/bin/env bash
# The batch workflow run locally as its guide says (snakemake --cores 2, two shards and a merge)
# gives the summary of one unsharded `dynamus batch` over the same studies.
# Usage: snakemake_test.sh SOURCE_DIR DYNAMUS WORK_DIR
set -euo pipefail
source_dir=$1
dynamus=$2
work=$3
if ! command -v snakemake >/dev/null; then
  echo "snakemake_test: skipped: snakemake is not installed (scripts/setup.sh installs it)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work/in"
for scenario in healthy partial-tear full-tear; do
  "$dynamus" simulate --frames 12 --size 320x240 --scenario "$scenario" -o "$work/in/$scenario" >/dev/null
done
printf 'not a loop\n' >"$work/in/junk.txt"

snakemake -s "$source_dir/workflows/batch/Snakefile" --cores 2 --directory "$work" --quiet \
  --config inputs="$work/in" out="$work/wf" shards=2 dynamus="$dynamus"
"$dynamus" batch "$work/in" -o "$work/single" --jobs 2 2>/dev/null || test $? -eq 1

for file in summary.csv summary.json; do
  if ! cmp "$work/wf/merged/$file" "$work/single/$file"; then
    echo "snakemake_test: the workflow's $file differs from one batch's" >&2
    diff "$work/wf/merged/$file" "$work/single/$file" >&2 || true
    exit 1
  fi
done
rows=$(($(wc -l <"$work/wf/merged/summary.csv") - 1))
if [ "$rows" -ne 4 ]; then
  echo "snakemake_test: expected 4 studies in the merged summary, got $rows" >&2
  exit 1
fi
for shard in 0 1; do
  test -f "$work/wf/shards/$shard/ledger.sqlite" || { echo "no ledger in shard $shard" >&2; exit 1; }
done
rm -rf "$work"
echo "snakemake_test: 2 shards merged = one batch (4 studies)"
