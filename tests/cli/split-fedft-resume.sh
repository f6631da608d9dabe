#!/usr/bin/env bash
# A split-fedft run killed (SIGKILL) after its first checkpoint and resumed with
# --resume=true ends with KPI traces byte-identical to an uninterrupted run: split
# learning with DP noise, FedAvg of the whole model, local training (every device's own
# model restored) and centralised training; a resume with other arguments is refused,
# naming the argument. A run whose gradients explode stops naming the round and the
# device, writes no KPI trace and keeps the checkpoint of its last good round, from which
# a resume diverges again at the same step.
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
check_resume fedavg --scheme=federated --training=full
check_resume local --scheme=local
check_resume central --scheme=central
msg=$("$BUILD/split-fedft" "${common[@]}" --scheme=local --localSteps=3 --outDir="$TMP/local-killed" \
    --resume=true 2>&1)
if [ $? -eq 0 ] || ! grep -q '"localSteps": 4, this run has "localSteps": 3' <<<"$msg"; then
    echo "FAIL: resume with other arguments not refused by name: $msg"
    failures=$((failures + 1))
fi
# Diverges in round 1 here (found by trying rates; any later round would do).
diverging=("${common[@]}" --learningRate=0.3 --outDir="$TMP/diverged")
first=$("$BUILD/split-fedft" "${diverging[@]}" 2>&1)
rc=$?
error=$(grep 'error: round' <<<"$first")
# Another CPU or BLAS may reach a NaN first: any divergence message counts.
round=$(sed -n 's/.*error: round \([0-9]*\), device [0-9]*: \(gradient norm .* exceeds maxGradNorm 1000\|gradient norm .* is not finite\|training loss .* is not finite\) .*/\1/p' <<<"$error")
if [ $rc -eq 0 ] || [ -z "$round" ]; then
    echo "FAIL: diverging run: exit $rc, no divergence error naming round and device: $first"
    failures=$((failures + 1))
elif [ "$round" -eq 0 ]; then
    echo "FAIL: diverging run: diverged in round 0, before any checkpoint; the test proves nothing"
    failures=$((failures + 1))
else
    kept="(after round $((round - 1))) is kept"
    grep -qF "$kept" <<<"$error" || { echo "FAIL: diverging run: no '$kept' in: $error"; failures=$((failures + 1)); }
    [ -e "$TMP/diverged/checkpoint.ckpt" ] || { echo "FAIL: diverging run: checkpoint gone"; failures=$((failures + 1)); }
    for f in rounds.csv devices.csv summary.csv run.json; do
        [ ! -e "$TMP/diverged/$f" ] || { echo "FAIL: diverging run wrote $f"; failures=$((failures + 1)); }
    done
    again=$("$BUILD/split-fedft" "${diverging[@]}" --resume=true 2>&1)
    grep -q "resuming after round $((round - 1)) " <<<"$again" ||
        { echo "FAIL: resume of the diverged run did not start after round $((round - 1)): $again"; failures=$((failures + 1)); }
    [ "$(grep 'error: round' <<<"$again")" = "$error" ] ||
        { echo "FAIL: the resumed run did not diverge at the same step: $again"; failures=$((failures + 1)); }
fi
exit $failures
