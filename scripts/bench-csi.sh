#!/usr/bin/env bash
# CSI engine speed next to ns-3's ThreeGppChannelModel (docs/benchmarks.md): one process,
# then two processes at once (one per core; the engine itself is single-threaded).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BUILD_DIR:-$ROOT/build}/edge-lam-csi-benchmark
SECONDS_PER_CASE=${SECONDS_PER_CASE:-5}
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git -C "$ROOT" rev-parse --short HEAD); $(date -u '+%F %H:%M UTC')"
for setup in llm4cp mmwave; do
    echo "== $setup, one process"
    "$BIN" "$setup" "$SECONDS_PER_CASE"
    echo "== $setup, two processes at once (rates per process)"
    "$BIN" "$setup" "$SECONDS_PER_CASE" >/tmp/csi-bench-1.$$ &
    "$BIN" "$setup" "$SECONDS_PER_CASE" >/tmp/csi-bench-2.$$
    wait
    paste -d'|' /tmp/csi-bench-1.$$ /tmp/csi-bench-2.$$ | tail -n +2
    rm -f /tmp/csi-bench-1.$$ /tmp/csi-bench-2.$$
done
