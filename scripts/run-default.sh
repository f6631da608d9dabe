#!/usr/bin/env bash
# The main job: install what is missing, build, and run the default scenario.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh"
# Idle OpenMP workers sleep instead of spinning against OpenBLAS's threads
# (docs/benchmarks.md, "LAM runtime").
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
OUT_DIR=${OUT_DIR:-$ROOT/out/split-fedft}
"$ROOT/build/split-fedft" --outDir="$OUT_DIR" "$@"
/usr/bin/python3 "$ROOT/scripts/plot_kpis.py" "$OUT_DIR" || echo "(plot skipped)"
