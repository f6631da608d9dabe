#!/usr/bin/env bash
# csi-import accepts a good complex128 array written by numpy and re-saves it as
# complex64; a wrong shape, a NaN, a truncated file and a non-CSI dtype each exit
# non-zero with a message naming the problem, and leave no output file.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$TMP" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(1)
h = (rng.standard_normal((3, 16, 48, 32, 1)) + 1j * rng.standard_normal((3, 16, 48, 32, 1)))
np.save(f"{d}/good.npy", h)  # complex128, as Sionna or QuaDRiGa exports often are
bad = h.copy(); bad[1, 2, 3, 4, 0] = np.nan
np.save(f"{d}/nan.npy", bad)
np.save(f"{d}/ints.npy", np.arange(12, dtype=np.int64).reshape(3, 4))
raw = open(f"{d}/good.npy", "rb").read()
open(f"{d}/truncated.npy", "wb").write(raw[: len(raw) - 100])
PY
failures=0
if ! "$BUILD/csi-import" --file="$TMP/good.npy" --shape=-1,16,48,32,1 --outFile="$TMP/out.npy" >/dev/null; then
    echo "FAIL: good file rejected"
    failures=$((failures + 1))
fi
/usr/bin/python3 - "$TMP" <<'PY' || failures=$((failures + 1))
import sys
import numpy as np
d = sys.argv[1]
a, b = np.load(f"{d}/good.npy"), np.load(f"{d}/out.npy")
assert b.dtype == np.complex64 and b.shape == a.shape, (b.dtype, b.shape)
assert np.max(np.abs(a - b)) <= 1e-6 * np.max(np.abs(a)), np.max(np.abs(a - b))
PY
expect_error() {
    local needle=$1
    shift
    local msg
    msg=$("$BUILD/csi-import" --outFile="$TMP/never.npy" "$@" 2>&1)
    local rc=$?
    if ((rc == 0)) || ! grep -q -- "$needle" <<<"$msg"; then
        echo "FAIL: $* -> exit $rc, message '$msg' lacks '$needle'"
        failures=$((failures + 1))
    elif [[ -e "$TMP/never.npy" ]]; then
        echo "FAIL: $* left an output file"
        failures=$((failures + 1))
    fi
}
expect_error "shape" --file="$TMP/good.npy" --shape=-1,20,48,32,1
expect_error "1, 2, 3, 4, 0" --file="$TMP/nan.npy"
expect_error "truncated.npy" --file="$TMP/truncated.npy"
expect_error "<i8" --file="$TMP/ints.npy"
expect_error "missing.npy" --file="$TMP/missing.npy"
expect_error "--file" --shape=1
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "csi-import: good file imported, bad files rejected with named problems"
