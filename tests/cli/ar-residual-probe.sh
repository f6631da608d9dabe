#!/usr/bin/env bash
# scripts/ar_residual_probe.py on a small csi-dataset: it runs end to end and prints its
# JSON, and its AR and hold baselines are those of scripts/ar_views.py's port view on
# the same test split (the probe reuses its fit; this checks the layout it feeds it).
# The learned numbers are not judged here: on 30 drops and 30 steps they mean nothing.
set -uo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BUILD/csi-dataset" --trainSamples=30 --valSamples=1 --testSamples=20 --future=1 \
    --outDir="$TMP/data" >/dev/null 2>&1 || { echo "FAIL: csi-dataset"; exit 1; }
/usr/bin/python3 "$SRC/scripts/ar_residual_probe.py" "$TMP/data" --steps=30 >"$TMP/probe.json" ||
    { echo "FAIL: ar_residual_probe.py"; exit 1; }
/usr/bin/python3 "$SRC/scripts/ar_views.py" "$TMP/data" >"$TMP/views.json" ||
    { echo "FAIL: ar_views.py"; exit 1; }
/usr/bin/python3 - "$TMP/probe.json" "$TMP/views.json" <<'PY'
import json, math, sys
probe = json.load(open(sys.argv[1]))
views = json.load(open(sys.argv[2]))["nmse_db"]
print(probe)
assert probe["train_drops"] == 30 and probe["test_drops"] == 20, probe
assert abs(probe["ar_port_db"] - views["port"]) < 1e-3, (probe["ar_port_db"], views["port"])
assert abs(probe["hold_db"] - views["hold"]) < 1e-3, (probe["hold_db"], views["hold"])
assert all(math.isfinite(probe[k]) for k in ("linear_filter_db", "ar_plus_mlp_db")), probe
PY
