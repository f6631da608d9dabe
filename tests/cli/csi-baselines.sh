#!/usr/bin/env bash
# csi-baselines on a small csi-dataset: the CSV has a row per predictor and history
# kind; on clean history Prony beats hold by far (the engine's channel is a sum of
# constant-Doppler rays over 10 ms), on noisy history AR(8) beats hold at step 1; the
# independent NumPy AR of scripts/ar_views.py gives the same NMSE (shared and per-series
# coefficients, noisy and clean history) within 0.01 dB; a
# missing dataset directory or an unknown predictor exits non-zero, naming it, with
# no output file.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
"$BUILD/csi-dataset" --trainSamples=1 --valSamples=1 --testSamples=40 --outDir="$TMP/data" \
    >/dev/null 2>&1 || { echo "FAIL: csi-dataset"; exit 1; }
if ! "$BUILD/csi-baselines" --dataDir="$TMP/data" --predictors=hold,ar8,arps8,prony \
    --outFile="$TMP/nmse.csv" >/dev/null; then
    echo "FAIL: csi-baselines on a good dataset"
    failures=$((failures + 1))
fi
/usr/bin/python3 - "$TMP/nmse.csv" <<'PY' || failures=$((failures + 1))
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
nmse = {(r["history"], r["predictor"]): float(r["nmse_db_step1"])
        for r in rows if r["speeds"] == "all"}
print(nmse)
assert nmse[("clean", "prony")] < nmse[("clean", "hold")] - 30, "clean: Prony vs hold"
assert nmse[("noisy", "ar8")] < nmse[("noisy", "hold")] - 3, "noisy: AR(8) vs hold"
assert all(int(r["samples"]) > 0 for r in rows)
PY
for history in noisy clean; do
    /usr/bin/python3 "$1/scripts/ar_views.py" "$TMP/data" --history=$history >"$TMP/numpy-$history.json" ||
        { echo "FAIL: ar_views.py --history=$history"; failures=$((failures + 1)); }
done
/usr/bin/python3 - "$TMP/nmse.csv" "$TMP" <<'PY' || failures=$((failures + 1))
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cpp = {(r["history"], r["predictor"]): float(r["nmse_db_step1"])
       for r in rows if r["speeds"] == "all"}
for history in ("noisy", "clean"):
    numpy = json.load(open(f"{sys.argv[2]}/numpy-{history}.json"))["nmse_db"]
    for view, predictor in (("drop", "ar8"), ("series", "arps8"), ("hold", "hold")):
        difference = abs(numpy[view] - cpp[(history, predictor)])
        assert difference < 0.01, f"{history} {predictor}: C++ {cpp[(history, predictor)]} NumPy {numpy[view]}"
PY
expect_error() {
    local needle=$1
    shift
    local msg
    msg=$("$BUILD/csi-baselines" --outFile="$TMP/never.csv" "$@" 2>&1)
    local rc=$?
    if [ $rc -eq 0 ] || ! grep -q -- "$needle" <<<"$msg" || [ -e "$TMP/never.csv" ]; then
        echo "FAIL: expected an error naming '$needle' (rc=$rc): $msg"
        failures=$((failures + 1))
    fi
}
expect_error "nowhere" --dataDir="$TMP/nowhere"
expect_error "kalman" --dataDir="$TMP/data" --predictors=hold,kalman
exit $failures
