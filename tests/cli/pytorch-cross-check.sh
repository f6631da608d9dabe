#!/usr/bin/env bash
# The LAM runtime against Python PyTorch (Debian python3-torch), in both directions, for
# full and LoRA models: weights the C++ program initialised load into the Python twin
# (scripts/bench_lam.py, written independently from the layer definitions) with the same
# parameter counts and the same losses over 3 Adam steps; weights Python initialised, saved
# as a state dict and traced to TorchScript, import into the C++ model (ImportStateDict)
# and give Python's outputs (1e-5 of their largest magnitude) and losses. A file holding
# an OrderedDict is refused with the advice to save a dict.
set -uo pipefail
ROOT=$1
BUILD=$2
BIN="$BUILD/edge-lam-lam-benchmark"
PY=(/usr/bin/python3 "$ROOT/scripts/bench_lam.py")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
model="$ROOT/models/lam-tiny.json"
for mode in full lora; do
    "$BIN" export "$model" "$mode" 2 16 "$TMP/cpp.pt" &&
        "${PY[@]}" verify "$model" "$TMP/cpp.pt" ||
        { echo "FAIL: C++ -> Python, $mode"; failures=$((failures + 1)); }
    "${PY[@]}" export "$model" "$mode" 2 16 "$TMP/py.pt" "$TMP/py.jit" &&
        "$BIN" import "$model" "$mode" "$TMP/py.pt" "$TMP/py.jit" ||
        { echo "FAIL: Python -> C++, $mode"; failures=$((failures + 1)); }
done
/usr/bin/python3 - "$TMP/ordered.pt" <<'PY'
import sys
import torch
torch.save(torch.nn.Linear(2, 3).state_dict(), sys.argv[1])  # an OrderedDict
PY
msg=$("$BIN" import "$model" full "$TMP/ordered.pt" "$TMP/py.jit" 2>&1)
if [ $? -eq 0 ] || ! grep -q "OrderedDict" <<<"$msg"; then
    echo "FAIL: an OrderedDict file was not refused with its reason: $msg"
    failures=$((failures + 1))
fi
exit $failures
