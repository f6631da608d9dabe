#!/usr/bin/env bash
# split-fedft: the same seed and arguments give byte-identical KPI traces (slot and flow
# radio engines); another --RngRun gives a different run; both references (hold, AR)
# and both layouts (time steps, subcarriers) run; a pretrained base saved with --baseModel and loaded
# gives the same trace; the federated baseline runs, or reports why it cannot;
# bad arguments, a model that does not fit the task and shards that do not fit a device's
# memory exit non-zero with a message naming the problem and leave no output file.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
small=(--model=csi-predictor-tiny --reference=hold --layout=steps --devices=2 --rounds=2 --trainDrops=1 --pretrainDrops=4 --validationDrops=1
    --pretrainSteps=5 --localSteps=1)
for run in a b; do
    "$BUILD/split-fedft" "${small[@]}" --outDir="$TMP/$run" >/dev/null 2>&1 ||
        { echo "FAIL: run $run"; failures=$((failures + 1)); }
done
"$BUILD/split-fedft" "${small[@]}" --RngRun=2 --outDir="$TMP/c" >/dev/null 2>&1 ||
    { echo "FAIL: run c"; failures=$((failures + 1)); }
for f in rounds.csv devices.csv summary.csv; do
    cmp -s "$TMP/a/$f" "$TMP/b/$f" || { echo "FAIL: $f differs between identical runs"; failures=$((failures + 1)); }
done
cmp -s "$TMP/a/devices.csv" "$TMP/c/devices.csv" &&
    { echo "FAIL: --RngRun=2 gave the same trace"; failures=$((failures + 1)); }
# The flow-level radio engine runs the same rounds and is reproducible too, also with
# steps longer than the CSI period.
flow_runs=(flow1 flow2 step1 step2)
for run in "${flow_runs[@]}"; do
    step=0
    [[ $run == step* ]] && step=40
    "$BUILD/split-fedft" "${small[@]}" --radio=flow --flowStepSlots=$step --outDir="$TMP/$run" \
        >/dev/null 2>&1 || { echo "FAIL: --radio=flow --flowStepSlots=$step ($run)"; failures=$((failures + 1)); }
    [ "$(wc -l <"$TMP/$run/rounds.csv")" = "$(wc -l <"$TMP/a/rounds.csv")" ] ||
        { echo "FAIL: $run wrote another number of rounds"; failures=$((failures + 1)); }
done
for pair in "flow1 flow2" "step1 step2"; do
    read -r first second <<<"$pair"
    cmp -s "$TMP/$first/rounds.csv" "$TMP/$second/rounds.csv" ||
        { echo "FAIL: $first and $second differ"; failures=$((failures + 1)); }
done
[ -s "$TMP/a/run.json" ] || { echo "FAIL: no run.json"; failures=$((failures + 1)); }
# The reference the model corrects: hold alone is the hold predictor's NMSE; the AR
# reference runs, reproducibly, with an AR-residual preset, and is another predictor.
column() { # column <csv> <name>: the value in the first data row
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i } NR == 2 { print $c }' "$1"
}
[ "$(column "$TMP/a/summary.csv" reference_nmse_db)" = "$(column "$TMP/a/summary.csv" hold_nmse_db)" ] ||
    { echo "FAIL: the hold reference alone is not the hold predictor"; failures=$((failures + 1)); }
for run in ar1 ar2; do
    "$BUILD/split-fedft" "${small[@]}" --reference=ar --model=csi-ar-residual-tiny --outDir="$TMP/$run" \
        >/dev/null 2>&1 || { echo "FAIL: --reference=ar ($run)"; failures=$((failures + 1)); }
done
cmp -s "$TMP/ar1/rounds.csv" "$TMP/ar2/rounds.csv" ||
    { echo "FAIL: --reference=ar runs differ"; failures=$((failures + 1)); }
[ "$(column "$TMP/ar1/summary.csv" hold_nmse_db)" = "$(column "$TMP/a/summary.csv" hold_nmse_db)" ] &&
    [ "$(column "$TMP/ar1/summary.csv" reference_nmse_db)" != "$(column "$TMP/a/summary.csv" hold_nmse_db)" ] ||
    { echo "FAIL: the AR reference saw other data or is the hold predictor"; failures=$((failures + 1)); }
# Subcarrier tokens run reproducibly, on the same drops and AR reference as the time-step
# layout; what a device uploads in --scheme=central (its noisy snapshots) does not depend
# on the layout.
for run in sc1 sc2; do
    "$BUILD/split-fedft" "${small[@]}" --reference=ar --layout=subcarriers --model=csi-subcarrier-tiny \
        --outDir="$TMP/$run" >/dev/null 2>&1 || { echo "FAIL: --layout=subcarriers ($run)"; failures=$((failures + 1)); }
done
cmp -s "$TMP/sc1/rounds.csv" "$TMP/sc2/rounds.csv" ||
    { echo "FAIL: --layout=subcarriers runs differ"; failures=$((failures + 1)); }
[ "$(column "$TMP/sc1/summary.csv" reference_nmse_db)" = "$(column "$TMP/ar1/summary.csv" reference_nmse_db)" ] ||
    { echo "FAIL: subcarrier tokens saw another AR reference"; failures=$((failures + 1)); }
"$BUILD/split-fedft" "${small[@]}" --scheme=central --outDir="$TMP/central-steps" >/dev/null 2>&1 &&
    "$BUILD/split-fedft" "${small[@]}" --scheme=central --layout=subcarriers --model=csi-subcarrier-tiny \
        --outDir="$TMP/central-sc" >/dev/null 2>&1 || { echo "FAIL: central runs"; failures=$((failures + 1)); }
up=$(column "$TMP/central-steps/rounds.csv" bytes_up)
[ "${up:-0}" -gt 0 ] && [ "$up" = "$(column "$TMP/central-sc/rounds.csv" bytes_up)" ] ||
    { echo "FAIL: the uploaded data depends on the layout ($up)"; failures=$((failures + 1)); }

expect_error() {
    local needle=$1
    shift
    local msg
    msg=$("$BUILD/split-fedft" "${small[@]}" --outDir="$TMP/bad" "$@" 2>&1)
    local rc=$?
    local files
    files=$(find "$TMP/bad" -type f 2>/dev/null | wc -l)
    if [ $rc -eq 0 ] || ! grep -q -- "$needle" <<<"$msg" || [ "$files" -ne 0 ]; then
        echo "FAIL: expected an error naming '$needle' (rc=$rc, $files files): $msg"
        failures=$((failures + 1))
    fi
}
# Baselines: federated learning without split runs; a model that does not fit a device's
# memory is a skipped run with the reason, not an error.
"$BUILD/split-fedft" "${small[@]}" --scheme=federated --training=full --outDir="$TMP/fedavg" \
    >/dev/null 2>&1 || { echo "FAIL: --scheme=federated"; failures=$((failures + 1)); }
[ -s "$TMP/fedavg/rounds.csv" ] || { echo "FAIL: no rounds.csv for --scheme=federated"; failures=$((failures + 1)); }
if ! "$BUILD/split-fedft" "${small[@]}" --scheme=federated --batchSize=200000 --outDir="$TMP/skip" \
    >/dev/null 2>&1 || ! grep -q "^skipped,\"device 0 cannot hold the model" "$TMP/skip/summary.csv"; then
    echo "FAIL: a model that does not fit is not reported as skipped"
    failures=$((failures + 1))
fi
# --baseModel: the first run pretrains and saves the base, the second loads it; both give
# the trace of a run without the file. A base pretrained with other pretraining arguments
# is refused.
"$BUILD/split-fedft" "${small[@]}" --baseModel="$TMP/base.ckpt" --outDir="$TMP/base1" >/dev/null 2>&1 ||
    { echo "FAIL: --baseModel (pretrain and save)"; failures=$((failures + 1)); }
log=$("$BUILD/split-fedft" "${small[@]}" --baseModel="$TMP/base.ckpt" --outDir="$TMP/base2" 2>&1)
grep -q "base model csi-predictor-tiny loaded from" <<<"$log" ||
    { echo "FAIL: --baseModel not loaded: $log"; failures=$((failures + 1)); }
for run in base1 base2; do
    cmp -s "$TMP/a/devices.csv" "$TMP/$run/devices.csv" ||
        { echo "FAIL: --baseModel run $run differs from a run without it"; failures=$((failures + 1)); }
done
expect_error "pretrain_steps = 5, this run has pretrain_steps = 6" --pretrainSteps=6 --baseModel="$TMP/base.ckpt"
expect_error "pretrain_drops = 4, this run has pretrain_drops = 8" --pretrainDrops=8 --baseModel="$TMP/base.ckpt"
# The devices' data do not enter the base: a base is reused across --trainDrops.
log=$("$BUILD/split-fedft" "${small[@]}" --trainDrops=2 --baseModel="$TMP/base.ckpt" --outDir="$TMP/base3" 2>&1)
grep -q "base model csi-predictor-tiny loaded from" <<<"$log" ||
    { echo "FAIL: --baseModel not reused with another --trainDrops: $log"; failures=$((failures + 1)); }
expect_error "pretrainDrops" --pretrainDrops=0
expect_error "scheme=ring" --scheme=ring
expect_error "policy=random" --scheme=central --policy=random
expect_error "dp=true" --scheme=local --dp=true
expect_error "policy=bogus" --policy=bogus
expect_error "precision=fp8" --precision=fp8
expect_error "splitPoint=2" --splitPoint=2
expect_error "devices=0" --devices=0
expect_error "radioScheduler=edf" --radioScheduler=edf
expect_error "radio=fluid" --radio=fluid
expect_error "needs the flow engine" --flowStepSlots=40
expect_error "feature input" --model=lam-tiny
expect_error "reference=last" --reference=last
expect_error "maxGradNorm=0.000000: must be > 0" --maxGradNorm=0
expect_error "feature input of 192 and output of 96 per token and a context of at least 16 tokens (the csi-ar-residual-\* presets)" --reference=ar
expect_error "feature input of 34 and output of 2 per token and a context of at least 48 tokens (the csi-subcarrier-\* presets)" --layout=subcarriers
expect_error "layout=time" --layout=time
expect_error "no-such-model" --model=no-such-model
expect_error "short by" --batchSize=200000
exit $failures
