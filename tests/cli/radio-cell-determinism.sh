#!/usr/bin/env bash
# The same seed and arguments give byte-identical traces (slot and flow engines); another
# --RngRun gives different ones; run.json names the commit of the source tree that was
# built (git describe is read at every build, not only when CMake configures).
set -euo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ARGS=(--sites=1 --sectors=3 --ues=6 --duration=0.05 --ueSpeed=3 --traffic=transfers --transferBytes=20000 --transferInterval=0.005)
"$BUILD/radio-cell" "${ARGS[@]}" --outDir="$TMP/a" >/dev/null
"$BUILD/radio-cell" "${ARGS[@]}" --outDir="$TMP/b" >/dev/null
"$BUILD/radio-cell" "${ARGS[@]}" --outDir="$TMP/c" --RngRun=2 >/dev/null
for f in slots.csv transfers.csv ues.csv summary.csv; do
    cmp "$TMP/a/$f" "$TMP/b/$f" || { echo "FAIL: $f differs between identical runs"; exit 1; }
done
# The sidecars differ only in the outDir argument.
cmp <(grep -v '"outDir"' "$TMP/a/run.json") <(grep -v '"outDir"' "$TMP/b/run.json") ||
    { echo "FAIL: run.json differs beyond outDir"; exit 1; }
if cmp -s "$TMP/a/slots.csv" "$TMP/c/slots.csv"; then
    echo "FAIL: --RngRun=2 produced the same slots.csv as run 1"
    exit 1
fi
grep -q '"rngRun": 2' "$TMP/c/run.json" || { echo "FAIL: run.json lacks rngRun 2"; cat "$TMP/c/run.json"; exit 1; }
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
    built=$(git -C "$SRC" describe --always --dirty)
    grep -q "\"gitDescribe\": \"$built\"" "$TMP/a/run.json" ||
        { echo "FAIL: run.json does not name $built (built before the last commit or edit?)"; grep gitDescribe "$TMP/a/run.json"; exit 1; }
fi
# The flow-level engine is deterministic too.
"$BUILD/radio-cell" "${ARGS[@]}" --radio=flow --outDir="$TMP/f1" >/dev/null
"$BUILD/radio-cell" "${ARGS[@]}" --radio=flow --outDir="$TMP/f2" >/dev/null
for f in slots.csv transfers.csv ues.csv summary.csv; do
    cmp "$TMP/f1/$f" "$TMP/f2/$f" || { echo "FAIL: --radio=flow: $f differs between identical runs"; exit 1; }
done
echo "determinism: identical runs match byte for byte (both engines); --RngRun=2 differs"
