#!/usr/bin/env bash
# Sets up, builds and runs dynamus on a bundled scan: a simulated hamstring-like tendon with a
# tear whose stumps pull apart as the muscle contracts (simulated at build time, with exact ground
# truth). Prints what dynamus finds, then how far that is from the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scan=build/sample_scans/retracting-tear
out=build/demo/retracting-tear
echo
echo "== dynamus analyze $scan.dcm -o $out --report --dicom"
build/bin/dynamus analyze "$scan.dcm" -o "$out" --report --dicom
echo
echo "== dynamus evaluate: against the scan's ground truth ($scan.truth.json)"
build/bin/dynamus evaluate "$out/result.json" "$scan.truth.json"
echo
echo "The report: $out/report.pdf (and report.html, loop.mp4); annotated key frames: $out/rest.png"
echo "and $out/peak.png; DICOM SC + SR: $out/dicom/; per frame: $out/frames.csv; everything in"
echo "$out/result.json."
echo
echo "== dynamus batch: every bundled scan from a manifest, ranked by tear score (build/demo/batch)"
manifest=build/demo/scans.csv
{
  echo path
  for file in build/sample_scans/*.dcm build/sample_scans/*.mp4; do echo "$PWD/$file"; done
} >"$manifest"
build/bin/dynamus batch "$manifest" -o build/demo/batch --jobs 2
# rank, path, key, status, kind, score, gap_rest_mm, gap_peak_mm, ...: the worklist, rounded.
awk -F, 'NR == 1 { printf "%-4s %-8s %-8s %5s %8s %8s  %s\n", "rank", "status", "kind", "score",
                          "gap rest", "gap peak", "input"; next }
         { n = split($2, parts, "/")
           printf "%-4s %-8s %-8s %5.2f %8s %8s  %s\n", $1, $4, $5, $6,
                  $7 == "" ? "-" : sprintf("%.1f mm", $7), $8 == "" ? "-" : sprintf("%.1f mm", $8),
                  parts[n] }' build/demo/batch/summary.csv
