#!/usr/bin/env bash
# Installs the Debian 12 packages dynamus needs (only when something is missing), then configures
# and builds into build/ (executables in build/bin/). Safe to run again: it does only what is left.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ ninja-build pkg-config
  libgdcm-dev libgdcm-tools          # DICOM decoding, every transfer syntax
  dcmtk libdcmtk-dev                 # DICOM writing/networking; dcmdump for checks
  dicom3tools                        # dciodvfy: the tests validate written DICOM against its IOD
  libopencv-dev ffmpeg               # video I/O (FFmpeg backend), image processing
  libcairo2-dev fonts-dejavu-core    # the PDF report and its plots (cairo draws in DejaVu Sans)
  poppler-utils                      # pdftotext/pdfinfo: the tests read the PDF report back
  libinsighttoolkit5-dev             # MetaImage/NRRD (PLUS sequences), filters
  libssl-dev zlib1g-dev              # SHA-256 of inputs; zlib checks of MetaImage data
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libsqlite3-dev sqlite3             # the batch ledger (sqlite3: to inspect it, and the load test)
  time                               # GNU time: the load test measures the batch's peak RSS
  snakemake                          # workflows/: batch shards locally or on Slurm
  libcurl4-openssl-dev               # batch --pacs: the DICOMweb client
  orthanc orthanc-dicomweb curl jq   # the PACS round-trip test runs Orthanc on loopback
  libgtest-dev libgmock-dev libbenchmark-dev
  libvtk9-dev libvtk9-qt-dev libjsoncpp-dev    # dynamus-view: VTK 9.1 (its config needs jsoncpp)
  qtbase5-dev libqt5opengl5-dev               # dynamus-view: Qt5 widgets, QVTKOpenGLNativeWidget
  xvfb xauth                                  # the viewer's tests render under xvfb-run
  clang libclang-rt-14-dev                    # scripts/fuzz.sh: libFuzzer harnesses (build-fuzz/)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
    "${missing[@]}"
fi

jobs=${DYNAMUS_BUILD_JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$jobs"
