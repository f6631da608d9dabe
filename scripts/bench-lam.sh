#!/usr/bin/env bash
# LAM training-step speed (docs/benchmarks.md): tools/lam-benchmark.cc (LibTorch) next to
# the same model and step in Python PyTorch (scripts/bench_lam.py, Debian python3-torch:
# the same libtorch and OpenBLAS). First checks that the Python model is the C++ one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BUILD_DIR:-$ROOT/build}/edge-lam-lam-benchmark
SECONDS_PER_CASE=${SECONDS_PER_CASE:-2}
# The C++ and Python programs of a case run in turn REPEATS times (C++, Python, C++, ...)
# and the table takes each one's fastest median: the machine's speed drifts by 10 % and
# more between minutes, and one pass puts the two programs in different minutes.
REPEATS=${REPEATS:-2}
PYTHON=/usr/bin/python3
BENCH_PY=$ROOT/scripts/bench_lam.py
# libgomp's default busy-waiting of idle OpenMP workers starves OpenBLAS's own worker
# threads on 2 cores: 2-thread steps ran 3x (lam-small) to 60x (lam-tiny) slower than
# 1-thread ones without this (docs/benchmarks.md).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
    echo "bench-lam: Python PyTorch is missing: apt-get install -y python3-torch" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git -C "$ROOT" rev-parse --short HEAD); $(date -u '+%F %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); OMP_WAIT_POLICY=$OMP_WAIT_POLICY; REPEATS=$REPEATS"
{
    for model in lam-tiny lam-small gpt2-small; do
        for mode in full lora; do
            "$BIN" export "$ROOT/models/$model.json" "$mode" 2 16 "$WORK/weights.pt"
            "$PYTHON" "$BENCH_PY" verify "$ROOT/models/$model.json" "$WORK/weights.pt"
            rm -f "$WORK/weights.pt"
        done
    done
    # preset, batch, tokens per sequence (docs/benchmarks.md says why)
    while read -r model batch steps; do
        config=$ROOT/models/$model.json
        for ((pass = 1; pass <= REPEATS; pass++)); do
            "$BIN" time "$config" "$batch" "$steps" "$SECONDS_PER_CASE" </dev/null
            "$PYTHON" "$BENCH_PY" time "$config" "$batch" "$steps" "$SECONDS_PER_CASE" </dev/null
        done
    done <<'CASES'
lam-tiny 1 32
lam-tiny 16 32
lam-small 8 128
gpt2-small 4 128
CASES
} | tee "$WORK/results.txt"
echo
"$PYTHON" "$BENCH_PY" table "$WORK/results.txt"
