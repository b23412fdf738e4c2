#!/usr/bin/env bash
# Sets up, builds and runs dynamus on the bundled scans: phantom loops simulated at build time
# with exact ground truth. Until the analysis exists it shows what `dynamus info` reads from them
# (including a screen recording whose image area is found automatically) and the truth of the
# retracting tear: the gap between the stumps at rest and at peak contraction.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
samples=build/sample_scans
echo
echo "== dynamus info $samples/retracting-tear.dcm $samples/retracting-tear.screen.mp4"
build/bin/dynamus info "$samples/retracting-tear.dcm" "$samples/retracting-tear.screen.mp4"
echo
echo "== dynamus simulate: the bundled retracting tear again, with its ground truth"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
build/bin/dynamus simulate --scenario retracting-tear --seed 1 --frames 40 --fps 20 \
  --size 320x240 --spacing 0.15 -o "$scratch/retracting-tear"
cmp -s "$scratch/retracting-tear.dcm" "$samples/retracting-tear.dcm" &&
  echo "(byte-identical to $samples/retracting-tear.dcm: the simulator is deterministic)"
