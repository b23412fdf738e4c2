#!/usr/bin/env bash
# The PACS round trip (issue 7, item 6): Orthanc with its DICOMweb plugin on loopback with
# temporary storage, 3 simulator studies uploaded, `dynamus batch --pacs URL --push`, then the
# summary must hold the 3 studies with their simulated tear kinds and every study in Orthanc must
# have gained a Secondary Capture and a Structured Report. A re-run pushes nothing again; a
# manifest of one series analyses that series alone. The server is stopped on every exit path.
# Exit 77 (skip) when Orthanc or its plugin is missing.
# Usage: pacs_round_trip_test.sh DYNAMUS WORK_DIR
set -euo pipefail
dynamus=$1
work=$2
plugin=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
for tool in Orthanc curl jq sqlite3; do
  if ! command -v "$tool" >/dev/null; then
    echo "pacs_round_trip_test: skipped: $tool is not installed (scripts/setup.sh installs it)"
    exit 77
  fi
done
if [ ! -f "$plugin" ]; then
  echo "pacs_round_trip_test: skipped: no DICOMweb plugin at $plugin (package orthanc-dicomweb)"
  exit 77
fi
fail() {
  echo "pacs_round_trip_test: FAILED: $*" >&2
  exit 1
}

rm -rf "$work"
mkdir -p "$work/orthanc/storage" "$work/orthanc/index" "$work/in"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
cat >"$work/orthanc/config.json" <<JSON
{
  "Name": "dynamus-test",
  "StorageDirectory": "$work/orthanc/storage",
  "IndexDirectory": "$work/orthanc/index",
  "HttpPort": $port,
  "DicomServerEnabled": false,
  "DicomPort": $(free_port),
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "Plugins": ["$plugin"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
Orthanc "$work/orthanc/config.json" >"$work/orthanc/log.txt" 2>&1 &
orthanc_pid=$!
stop_orthanc() { kill "$orthanc_pid" 2>/dev/null && wait "$orthanc_pid" 2>/dev/null || true; }
trap stop_orthanc EXIT
base=http://127.0.0.1:$port
for ((i = 0; i < 300; i++)); do
  curl -sf "$base/system" >/dev/null && break
  kill -0 "$orthanc_pid" 2>/dev/null || fail "Orthanc exited: $(tail -n 3 "$work/orthanc/log.txt")"
  sleep 0.1
done
curl -sf "$base/system" >/dev/null || fail "Orthanc does not answer on $base"

declare -A expected_kind=([healthy]=none [partial-tear]=partial [full-tear]=full)
for scenario in healthy partial-tear full-tear; do
  "$dynamus" simulate --frames 12 --size 320x240 --scenario "$scenario" --seed 1 \
    -o "$work/in/$scenario" >/dev/null
  curl -sf -X POST --data-binary "@$work/in/$scenario.dcm" "$base/instances" >/dev/null ||
    fail "cannot upload $scenario.dcm to Orthanc"
done

out=$work/batch
"$dynamus" batch --pacs "$base/dicom-web" -o "$out" --push --jobs 2 2>"$work/batch.log" ||
  fail "dynamus batch exited $?: $(tail -n 3 "$work/batch.log")"

# The summary: 3 studies, each with the tear kind its scenario simulates.
[ "$(jq ".studies | length" "$out/summary.json")" -eq 3 ] || fail "summary.json has not 3 studies"
for scenario in healthy partial-tear full-tear; do
  uid=$(dcmdump +P StudyInstanceUID "$work/in/$scenario.dcm" | sed 's/.*\[\(.*\)\].*/\1/')
  [ -d "$out/pacs/$uid" ] || fail "study $uid not retrieved into $out/pacs"
  kind=$(jq -r --arg uid "$uid" '.studies[] | select(.path | contains($uid)) | .kind' "$out/summary.json")
  [ "$kind" = "${expected_kind[$scenario]}" ] ||
    fail "$scenario: kind '$kind', simulated '${expected_kind[$scenario]}'"
  # The study in Orthanc now holds the loop, a Secondary Capture and an SR (SOP classes).
  classes=$(curl -sf "$base/dicom-web/studies/$uid/instances" | jq -r '.[]["00080016"].Value[0]')
  grep -qx '1.2.840.10008.5.1.4.1.1.7\(\.[0-9]*\)\?' <<<"$classes" ||
    fail "$scenario: no Secondary Capture in Orthanc's study $uid: $classes"
  grep -qx '1.2.840.10008.5.1.4.1.1.88\.[0-9]*' <<<"$classes" ||
    fail "$scenario: no Structured Report in Orthanc's study $uid: $classes"
  modalities=$(curl -sf "$base/dicom-web/studies/$uid/series" | jq -r '.[]["00080060"].Value[0]' |
    sort | tr '\n' ' ')
  [ "$modalities" = "OT SR US " ] || fail "$scenario: series modalities '$modalities'"
done
[ "$(sqlite3 "$out/ledger.sqlite" "SELECT count(*) FROM pushes WHERE status = 'pushed'")" -eq 3 ] ||
  fail "the ledger does not record 3 pushes"

# A re-run: everything is done and pushed, so nothing is retrieved, analysed or pushed again.
"$dynamus" batch --pacs "$base/dicom-web" -o "$out" --push 2>"$work/rerun.log" ||
  fail "the re-run exited $?"
grep -q "3 skipped" "$work/rerun.log" || fail "the re-run did not skip: $(cat "$work/rerun.log")"
grep -q "results of 0 studies pushed" "$work/rerun.log" || fail "the re-run pushed again"
[ "$(curl -sf "$base/instances" | jq length)" -eq 9 ] || fail "Orthanc does not hold 9 instances"

# A manifest of one Series Instance UID (without its study: found by a series-level QIDO-RS): only
# that series, the full tear's loop, is analysed.
series=$(dcmdump +P SeriesInstanceUID "$work/in/full-tear.dcm" | sed 's/.*\[\(.*\)\].*/\1/')
printf 'series_uid\n%s\n' "$series" >"$work/series.csv"
"$dynamus" batch --pacs "$base/dicom-web" "$work/series.csv" -o "$work/by_series" \
  2>"$work/series.log" || fail "the series batch exited $?: $(tail -n 3 "$work/series.log")"
[ "$(jq ".studies | length" "$work/by_series/summary.json")" -eq 1 ] ||
  fail "the series batch has not 1 study: $(cat "$work/series.log")"
[ "$(jq -r ".studies[0].kind" "$work/by_series/summary.json")" = full ] ||
  fail "the series batch did not score the full tear"
echo "pacs_round_trip_test: ok (port $port)"
