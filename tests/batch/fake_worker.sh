#!/bin/sh
# A stand-in for `dynamus analyze INPUT -o DIR [options]` in the batch tests: what it does is
# written in the input file, so a test can make a study succeed, fail, crash or hang.
# "good SCORE" writes a result.json with that tear score; "bad" fails like a corrupt file (exit 4);
# "crash" dies of SIGSEGV; "hang" never ends. The options it got go to DIR/args.txt, the value
# of DYNAMUS_FAKE_SETTING in its environment to DIR/environment.txt.
input=$2
out=$4
shift 4
echo "$@" > "$out/args.txt"
echo "${DYNAMUS_FAKE_SETTING-unset}" > "$out/environment.txt"
read -r what score < "$input"
case "$what" in
  good)
    echo "findings of $input"
    printf '{"schema": "dynamus.analysis/1", "tear": {"kind": "full", "score": %s, "gap_mm": {"rest": 1.5, "peak": 4.5}, "separation_increase_mm": 3.0}, "tendon": {"thickness_mm": {"median": 5.0}, "thickening": {"present": false}}}\n' "$score" > "$out/result.json" ;;
  bad)
    echo "dynamus: error: $input: truncated: the file ends early" >&2
    exit 4 ;;
  crash)
    kill -SEGV $$ ;;
  hang)
    exec sleep 600 ;;
esac
