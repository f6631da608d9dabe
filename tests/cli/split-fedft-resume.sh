#!/usr/bin/env bash
# A split-fedft run killed (SIGKILL) after its first checkpoint and resumed with
# --resume=true ends with KPI traces byte-identical to an uninterrupted run: split
# learning with DP noise, local training (every device's own model restored) and
# centralised training; a resume with other arguments is refused, naming the argument.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'pkill -9 -f "outDir=$TMP/" 2>/dev/null; rm -rf "$TMP"' EXIT
common=(--model=csi-subcarrier-tiny --devices=3 --rounds=6 --trainDrops=2 --pretrainDrops=8 --validationDrops=1
    --pretrainSteps=20 --localSteps=4)
failures=0
check_resume() {
    local name=$1
    shift
    local args=("${common[@]}" "$@")
    "$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/$name-whole" >/dev/null 2>&1 ||
        { echo "FAIL: $name: uninterrupted run"; failures=$((failures + 1)); return; }
    "$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/$name-killed" >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 1 1500); do
        [ -e "$TMP/$name-killed/checkpoint.ckpt" ] && break
        sleep 0.01
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if [ -e "$TMP/$name-killed/rounds.csv" ]; then
        echo "FAIL: $name: the run finished before it could be killed; the test proves nothing"
        failures=$((failures + 1))
        return
    fi
    "$BUILD/split-fedft" "${args[@]}" --outDir="$TMP/$name-killed" --resume=true >/dev/null 2>&1 ||
        { echo "FAIL: $name: resume"; failures=$((failures + 1)); return; }
    for f in rounds.csv devices.csv summary.csv; do
        cmp -s "$TMP/$name-whole/$f" "$TMP/$name-killed/$f" ||
            { echo "FAIL: $name: $f of the resumed run differs"; failures=$((failures + 1)); }
    done
}
check_resume split-dp --policy=lyapunov --dp=true --dpClip=0.5 --dpNoise=0.05
check_resume local --scheme=local
check_resume central --scheme=central
msg=$("$BUILD/split-fedft" "${common[@]}" --scheme=local --localSteps=3 --outDir="$TMP/local-killed" \
    --resume=true 2>&1)
if [ $? -eq 0 ] || ! grep -q '"localSteps": 4, this run has "localSteps": 3' <<<"$msg"; then
    echo "FAIL: resume with other arguments not refused by name: $msg"
    failures=$((failures + 1))
fi
exit $failures
