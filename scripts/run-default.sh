#!/usr/bin/env bash
# The main job: install what is missing, build, and run the default scenario.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh"
OUT_DIR=${OUT_DIR:-$ROOT/out/split-fedft}
"$ROOT/build/split-fedft" --outDir="$OUT_DIR" "$@"
/usr/bin/python3 "$ROOT/scripts/plot_kpis.py" "$OUT_DIR" || echo "(plot skipped)"
