#!/usr/bin/env bash
# Measures the speed of the radio layer (radio-cell, full buffer, PF, mu=1, 20 MHz)
# and prints a Markdown table for docs/benchmarks.md. Speed is never asserted in
# tests: this script is how the published figures are reproduced.
#
# Usage: bash scripts/bench-radio.sh
# Environment: BUILD_DIR (default <repo>/build), REPEAT (runs per case, median
# reported; default 3), QUICK=1 (simulated durations divided by 10, for a smoke test).
# Run it on an otherwise idle machine: other processes inflate every figure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BIN=$BUILD_DIR/radio-cell
REPEAT=${REPEAT:-3}
SLOTS_PER_S=2000 # numerology 1: 0.5 ms slots
[[ -x $BIN ]] || { echo "bench-radio: $BIN not found; build first (scripts/build.sh)" >&2; exit 1; }
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "bench-radio: REPEAT=$REPEAT is not a positive integer" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

COMMON=(--scheduler=pf --numerology=1 --traffic=full-buffer)

# Runs the scenario once; prints "<Run wall s> <total wall s> <peak RSS KiB>".
# GNU time reports the peak RSS; without it, Python's getrusage of the child does.
measure() {
    local log=$WORK/log rusage=$WORK/rusage
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%e %M' -o "$rusage" "$BIN" "$@" --outDir="$WORK/out" >"$log"
    else
        python3 - "$rusage" "$BIN" "$@" --outDir="$WORK/out" >"$log" <<'EOF'
import resource, subprocess, sys, time
t0 = time.monotonic()
rc = subprocess.call(sys.argv[2:])
elapsed = time.monotonic() - t0
with open(sys.argv[1], "w") as f:
    f.write("%.2f %d\n" % (elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)
EOF
    fi
    local run_s
    run_s=$(sed -n 's/^ *wall time *\([0-9.eE+-]*\) s (.*/\1/p' "$log")
    [[ -n $run_s ]] || { echo "bench-radio: no 'wall time' line in the output of $*" >&2; exit 1; }
    echo "$run_s $(cat "$rusage")"
}

# bench <label> <cells> <UEs> <simulated s> <extra args...>: REPEAT runs, prints
# one table row for the run with the median Run wall time.
bench() {
    local label=$1 cells=$2 ues=$3 dur=$4
    shift 4
    [[ ${QUICK:-0} == 1 ]] && dur=$(awk -v d="$dur" 'BEGIN { print d / 10 }')
    local i runs=()
    for ((i = 0; i < REPEAT; i++)); do
        runs+=("$(measure "${COMMON[@]}" --ues="$ues" --duration="$dur" "$@")")
    done
    printf '%s\n' "${runs[@]}" | sort -g -k1,1 | awk -v label="$label" -v cells="$cells" \
        -v ues="$ues" -v dur="$dur" -v sps="$SLOTS_PER_S" '
        { run[NR] = $1; total[NR] = $2; rss[NR] = $3 }
        END {
            m = int((NR + 1) / 2)
            printf "| %s | %d | %d | %g | %.2f (%.2f-%.2f) | %.2f | %.2f | %.3g | %.0f | %.0f |\n",
                label, cells, ues, dur, run[m], run[1], run[NR], total[m],
                total[m] - run[m], dur / run[m], dur * sps / run[m], rss[m] / 1024
        }'
}

mem_gib=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || commit="$commit (src/ modified)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(lscpu | sed -n 's/^CPU(s): *//p') CPUs" \
    "(nproc $(nproc)), ${mem_gib} GiB RAM, $(uname -sr)"
echo "- commit: $commit; build: ${build_type:-unknown} ($BIN)"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- common options: ${COMMON[*]} (UMa, 3.5 GHz, 20 MHz = 51 PRBs, fading and HARQ on, 0.83 m/s)"
echo "- each row: median of $REPEAT runs by Run wall time (min-max in brackets)"
echo
echo "| case | cells | UEs | simulated s | Run wall s | total wall s | setup s | simulated s per wall s | slots/s | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
ONE_CELL=(--sites=1 --sectors=1)
for spec in "10 30" "20 30" "100 10" "1000 2"; do
    read -r ues dur <<<"$spec"
    bench "1 cell" 1 "$ues" "$dur" "${ONE_CELL[@]}" --slotTrace=false
done
bench "21 cells (7 sites x 3)" 21 210 1 --sites=7 --sectors=3 --slotTrace=false
bench "1 cell, --fading=false" 1 20 30 "${ONE_CELL[@]}" --slotTrace=false --fading=false
bench "1 cell, --slotTrace=true" 1 20 30 "${ONE_CELL[@]}" --slotTrace=true
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
