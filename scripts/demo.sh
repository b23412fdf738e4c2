#!/usr/bin/env bash
# Sets up, builds and runs dynamus on the bundled default input: a screen recording of a scanner
# display, whose ultrasound image is found and cropped automatically and calibrated by its sidecar.
# Until the analysis exists this shows `dynamus info`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
input=build/sample_scans/screen_capture.mp4
echo
echo "== dynamus info $input"
build/bin/dynamus info "$input"
realdata=${DYNAMUS_REALDATA:-../shared/realdata}
if [ -d "$realdata/dicom" ]; then
  echo
  echo "== dynamus info on the real DICOM loops in $realdata/dicom (first three)"
  build/bin/dynamus info $(ls "$realdata"/dicom/us_mf_*.dcm | head -3)
fi
