#!/usr/bin/env bash
# A split-fedft run killed (SIGKILL) after its first checkpoint and resumed with
# --resume=true ends with KPI traces byte-identical to an uninterrupted run (DP noise
# included); a resume with other arguments is refused, naming the argument.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'pkill -9 -f "outDir=$TMP/killed" 2>/dev/null; rm -rf "$TMP"' EXIT
args=(--model=csi-predictor-tiny --devices=3 --rounds=6 --trainDrops=2 --validationDrops=1 --pretrainSteps=20 --localSteps=4
    --policy=lyapunov --dp=true --dpClip=0.5 --dpNoise=0.05)
failures=0
"$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/whole" >/dev/null 2>&1 ||
    { echo "FAIL: uninterrupted run"; exit 1; }
"$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1500); do
    [ -e "$TMP/killed/checkpoint.ckpt" ] && break
    sleep 0.01
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e "$TMP/killed/rounds.csv" ]; then
    echo "FAIL: the run finished before it could be killed; the test proves nothing"
    exit 1
fi
[ -e "$TMP/killed/checkpoint.ckpt" ] || { echo "FAIL: no checkpoint before the kill"; exit 1; }
"$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/killed" --resume=true >/dev/null 2>&1 ||
    { echo "FAIL: resume"; failures=$((failures + 1)); }
for f in rounds.csv devices.csv summary.csv; do
    cmp -s "$TMP/whole/$f" "$TMP/killed/$f" ||
        { echo "FAIL: $f of the resumed run differs"; failures=$((failures + 1)); }
done
msg=$("$BUILD/split-fedft" "${args[@]}" --localSteps=3 --outDir="$TMP/killed" --resume=true 2>&1)
if [ $? -eq 0 ] || ! grep -q '"localSteps": 4, this run has "localSteps": 3' <<<"$msg"; then
    echo "FAIL: resume with other arguments not refused by name: $msg"
    failures=$((failures + 1))
fi
exit $failures
