#!/usr/bin/env bash
# Regenerates the golden KPI traces of tests/golden/ from the current build. Inspect the
# new traces (and `git diff --stat`) for plausibility before committing them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
for args_file in "$ROOT"/tests/golden/*.args; do
    name=$(basename "$args_file" .args)
    out="$ROOT/tests/golden/$name"
    rm -rf "$out.new"
    read -r -a args <"$args_file"
    "$BUILD/radio-cell" "${args[@]}" --outDir="$out.new" >/dev/null
    rm -f "$out.new/run.json" # versions and paths differ between machines; not regressed
    rm -rf "$out"
    mv "$out.new" "$out"
    echo "updated $out: $(ls "$out" | tr '\n' ' ')"
done
