#!/usr/bin/env bash
# The slot and flow radio engines side by side (docs/benchmarks.md, "Simulation overhead
# of split-fedft"): split-fedft's simulation share, measured by replaying each finished
# run from its final checkpoint (the replay re-simulates the timeline without LibTorch),
# and radio-cell's wall time with full buffers. Run it on an otherwise idle machine.
#
# Usage: bash scripts/bench-radio-engines.sh [OUT_DIR]   (default: out/radio-engines)
# REPLAYS (default 3): replays per run; the table gives their median and range.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
OUT=${1:-$ROOT/out/radio-engines}
REPLAYS=${REPLAYS:-3}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$OUT"
wall() { sed -n 's/.*simulated time \([0-9.]*\) s, wall time \([0-9.]*\) s.*/\1 \2/p' "$1"; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git -C "$ROOT" rev-parse --short HEAD); $(date -u '+%F %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | engine | simulated time | wall, full run | wall, replay: median (range of $REPLAYS) | replay per simulated s | simulation share |"
echo "|---|---|---:|---:|---:|---:|---:|"
for preset in default tiny; do
    extra=()
    [ "$preset" = tiny ] && extra=(--model=csi-subcarrier-tiny --rounds=8 --localSteps=4)
    # engine:flowStepSlots; "flow:40" is the flow engine with 40-slot (20 ms) steps.
    for config in slot:0 flow:0 flow:40; do
        engine=${config%:*}
        step=${config#*:}
        run=$OUT/$preset-$engine-$step
        rm -rf "$run"
        # The base model is pretrained once per preset and shared by all engines.
        args=("${extra[@]}" --radio="$engine" --flowStepSlots="$step"
            --baseModel="$OUT/base-$preset.ckpt" --outDir="$run")
        "$BUILD/split-fedft" "${args[@]}" >"$run.full.log" 2>&1
        read -r simulated full < <(wall "$run.full.log")
        replays=()
        for ((i = 1; i <= REPLAYS; i++)); do
            "$BUILD/split-fedft" "${args[@]}" --resume=true >"$run.replay.log" 2>&1
            read -r _ replay < <(wall "$run.replay.log")
            replays+=("$replay")
        done
        printf '%s\n' "${replays[@]}" | sort -g | awk -v p="$preset" -v e="$engine, step $step" \
            -v s="$simulated" -v f="$full" '{ r[NR] = $1 } END {
            m = r[int((NR + 1) / 2)]
            printf "| %s | %s | %.1f s | %.1f s | %.2f s (%.2f-%.2f) | %.1f ms | %.1f %% |\n",
                   p, e, s, f, m, r[1], r[NR], 1000 * m / s, 100 * m / f }'
    done
done

echo
echo "| radio-cell, 1 cell, 8 UEs, full buffer both directions, 20 s simulated | slot | flow | flow, 40-slot steps |"
echo "|---|---:|---:|---:|"
for speed in 0.833 8.33; do
    row="| UEs at $speed m/s (wall, whole program)"
    for config in slot:0 flow:0 flow:40; do
        engine=${config%:*}
        step=${config#*:}
        /usr/bin/time -f %e -o "$OUT/time" "$BUILD/radio-cell" --sites=1 --sectors=1 --ues=8 \
            --ueSpeed="$speed" --duration=20 --direction=both --slotTrace=false \
            --radio="$engine" --flowStepSlots="$step" \
            --outDir="$OUT/radio-cell-$speed-$engine-$step" >/dev/null 2>&1
        row="$row | $(cat "$OUT/time") s"
    done
    echo "$row |"
done
