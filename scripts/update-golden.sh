#!/usr/bin/env bash
# Regenerates the golden KPI traces of tests/golden/ from the current build. Inspect the
# new traces (and `git diff --stat`) for plausibility before committing them. Golden
# <program>-<label> is a run of build/<program> with the arguments in
# <program>-<label>.args.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
for args_file in "$ROOT"/tests/golden/*.args; do
    name=$(basename "$args_file" .args)
    out="$ROOT/tests/golden/$name"
    rm -rf "$out.new"
    read -r -a args <"$args_file"
    "$BUILD/${name%-*}" "${args[@]}" --outDir="$out.new" >/dev/null 2>&1
    # Versions and paths differ between machines; a checkpoint is binary and only
    # records what the traces show. Neither is regressed.
    rm -f "$out.new/run.json" "$out.new/checkpoint.ckpt"
    rm -rf "$out"
    mv "$out.new" "$out"
    echo "updated $out: $(ls "$out" | tr '\n' ' ')"
done
