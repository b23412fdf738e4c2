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
cut -d, -f1,2,4-7 build/demo/batch/summary.csv | column -s, -t
