#!/usr/bin/env bash
# csi-dataset writes NumPy arrays of the documented shapes that numpy loads, with the
# estimation error its SNR implies; the same seed gives the same bytes, another run
# differs; bad arguments exit non-zero naming the argument and leave no files.
set -uo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ARGS=(--trainSamples=12 --valSamples=3 --testSamples=3 --snrDb=10)
"$BUILD/csi-dataset" "${ARGS[@]}" --outDir="$TMP/a" >/dev/null || { echo "FAIL: run a"; exit 1; }
"$BUILD/csi-dataset" "${ARGS[@]}" --outDir="$TMP/b" >/dev/null || { echo "FAIL: run b"; exit 1; }
"$BUILD/csi-dataset" "${ARGS[@]}" --outDir="$TMP/c" --RngRun=2 >/dev/null || { echo "FAIL: run c"; exit 1; }
failures=0
for f in "$TMP"/a/*.npy; do
    cmp -s "$f" "$TMP/b/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs between identical runs"; failures=$((failures + 1)); }
done
cmp -s "$TMP/a/train_history_ul.npy" "$TMP/c/train_history_ul.npy" &&
    { echo "FAIL: --RngRun=2 gave the same data"; failures=$((failures + 1)); }

/usr/bin/python3 - "$TMP/a" <<'PY' || failures=$((failures + 1))
import json, sys
import numpy as np
d = sys.argv[1]
meta = json.load(open(f"{d}/dataset.json"))
assert meta["parameters"]["snrDb"] == 10, meta
for split, n in (("train", 12), ("val", 3), ("test", 3)):
    h = np.load(f"{d}/{split}_history_ul.npy")
    hc = np.load(f"{d}/{split}_history_ul_clean.npy")
    fu = np.load(f"{d}/{split}_future_ul.npy")
    fd = np.load(f"{d}/{split}_future_dl.npy")
    v = np.load(f"{d}/{split}_speed_kmh.npy")
    assert h.shape == hc.shape == (n, 16, 48, 32, 1), h.shape
    assert fu.shape == (n, 4, 48, 32, 1) and fd.shape == (n, 4, 48, 1, 32), (fu.shape, fd.shape)
    assert h.dtype == np.complex64 and v.dtype == np.float32 and v.shape == (n,)
    assert all(np.isfinite(a).all() for a in (h, hc, fu, fd, v))
    assert ((v >= 10) & (v <= 100)).all(), v
    # Per-snapshot NMSE of the noisy history: 10^(-10/10) = 0.1. Over n*16 snapshots of
    # 1536 elements the relative standard error is below 1%; allow 5%.
    err = np.sum(np.abs(h - hc) ** 2, axis=(2, 3, 4)) / np.sum(np.abs(hc) ** 2, axis=(2, 3, 4))
    assert abs(err.mean() / 0.1 - 1) < 0.05, err.mean()
print("csi-dataset: shapes, dtypes, finiteness, speeds and estimation SNR as documented")
PY

expect_error() {
    local name=$1
    shift
    local out="$TMP/bad-$name"
    local msg
    msg=$("$BUILD/csi-dataset" --trainSamples=2 --valSamples=0 --testSamples=0 --outDir="$out" "$@" 2>&1)
    local rc=$?
    if ((rc == 0)) || ! grep -q -- "--$name" <<<"$msg"; then
        echo "FAIL: $* -> exit $rc, message: $msg"
        failures=$((failures + 1))
    elif [[ -e "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then
        echo "FAIL: $* left files: $(ls -A "$out")"
        failures=$((failures + 1))
    fi
}
"$BUILD/csi-dataset" --model=CDL-D --trainSamples=4 --valSamples=1 --testSamples=1 \
    --outDir="$TMP/cdl" >/dev/null || { echo "FAIL: CDL-D dataset"; failures=$((failures + 1)); }
/usr/bin/python3 -c "
import numpy as np
h = np.load('$TMP/cdl/train_future_dl.npy')
assert h.shape == (4, 4, 48, 1, 32) and np.isfinite(h).all(), h.shape
" || { echo "FAIL: CDL-D arrays"; failures=$((failures + 1)); }
expect_error scenario --scenario=Atlantis
expect_error model --model=CDL-Z
expect_error subcarriers --subcarriers=0
expect_error minSpeedKmh --minSpeedKmh=50 --maxSpeedKmh=20
expect_error trainSamples --trainSamples=0
touch "$TMP/file"
expect_error outDir --outDir="$TMP/file/sub"
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "csi-dataset: deterministic, replicable, bad input rejected"
