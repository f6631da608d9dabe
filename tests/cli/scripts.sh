#!/usr/bin/env bash
# Command-line tests of scripts/kpi_diff.py, scripts/sweep.py and scripts/plot_kpis.py.
# Called by ctest as: bash scripts.sh <source-dir> <build-dir>. Exits non-zero and
# names every failed check.
set -uo pipefail
SRC=${1:?usage: scripts.sh <source-dir> <build-dir>}
DATA=$SRC/tests/data/scripts
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/edge-lam-scripts-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect_status WANT NAME CMD...: runs CMD (output in $SCRATCH/out), checks its status.
expect_status() {
    local want=$1 name=$2
    shift 2
    "$@" >"$SCRATCH/out" 2>&1
    local got=$?
    if [[ $got -ne $want ]]; then
        fail "$name: exit status $got, expected $want; output:"
        sed 's/^/    /' "$SCRATCH/out"
        return 1
    fi
    echo "ok: $name"
}

# expect_output NAME REGEX: the last command's output matches REGEX.
expect_output() {
    grep -Eq -- "$2" "$SCRATCH/out" || { fail "$1: output lacks /$2/:"; sed 's/^/    /' "$SCRATCH/out"; }
}

for script in kpi_diff.py sweep.py plot_kpis.py; do
    [[ -x $SRC/scripts/$script ]] || fail "scripts/$script is not executable"
    head -1 "$SRC/scripts/$script" | grep -qx '#!/usr/bin/python3' ||
        fail "scripts/$script does not start with #!/usr/bin/python3"
    expect_status 0 "$script --help" "$SRC/scripts/$script" --help
done

# --- kpi_diff.py -------------------------------------------------------------------
KPI_DIFF=$SRC/scripts/kpi_diff.py
expect_status 0 "kpi_diff: identical files" "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_ref.csv"
# kpi_within_tol.csv moves sinr_db by 0.001 in three rows.
expect_status 1 "kpi_diff: 0.001 change with zero tolerance" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_within_tol.csv" &&
    expect_output "kpi_diff zero tolerance" "3 cell mismatch"
expect_status 0 "kpi_diff: 0.001 change within --abs-tol sinr_db=0.002" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_within_tol.csv" --abs-tol sinr_db=0.002
expect_status 0 "kpi_diff: 0.001 change within --default-rel 1e-3" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_within_tol.csv" --default-rel 1e-3
# kpi_beyond_tol.csv moves sinr_db of row 3 from 12.400 to 12.900.
expect_status 1 "kpi_diff: 0.5 change beyond tolerance" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_beyond_tol.csv" --abs-tol sinr_db=0.002 &&
    expect_output "kpi_diff report" "row 3 .*column sinr_db: ref '12.400' new '12.900'"
expect_status 1 "kpi_diff: matching rows by --key" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_beyond_tol.csv" --key time_s,ue &&
    expect_output "kpi_diff --key report" "'ue': '0'.*column sinr_db"
expect_status 1 "kpi_diff: header mismatch" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_header_mismatch.csv" &&
    expect_output "kpi_diff header report" "columns missing in new: sinr_db"
head -3 "$DATA/kpi_ref.csv" >"$SCRATCH/short.csv"
expect_status 1 "kpi_diff: fewer rows" "$KPI_DIFF" "$DATA/kpi_ref.csv" "$SCRATCH/short.csv" &&
    expect_output "kpi_diff row count" "row count differs: ref 4, new 2"
expect_status 2 "kpi_diff: missing file" "$KPI_DIFF" "$DATA/kpi_ref.csv" "$SCRATCH/none.csv" &&
    expect_output "kpi_diff missing file" "none.csv"
expect_status 2 "kpi_diff: tolerance for an unknown column" \
    "$KPI_DIFF" "$DATA/kpi_ref.csv" "$DATA/kpi_ref.csv" --abs-tol snr=1 &&
    expect_output "kpi_diff unknown column" "'snr'"

# --- sweep.py ----------------------------------------------------------------------
SWEEP=$SRC/scripts/sweep.py
FAKE=$DATA/fake_scenario.py
COUNTER=$SCRATCH/invocations
count() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }

expect_status 0 "sweep: 2x2 grid, 2 replications" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/sweep" --grid numUes=1,4 --grid scheduler=rr,pf \
    --fixed "--counter=$COUNTER" --replications 2 --jobs 2
[[ $(count "$COUNTER") -eq 8 ]] || fail "sweep: expected 8 invocations, got $(count "$COUNTER")"
expected_csv="run,numUes,scheduler,RngRun,summary.numUes,throughput_mbps,scheduler_name
numUes=1_scheduler=rr_RngRun=1,1,rr,1,1,11.0,rr
numUes=1_scheduler=rr_RngRun=2,1,rr,2,1,12.0,rr
numUes=1_scheduler=pf_RngRun=1,1,pf,1,1,11.0,pf
numUes=1_scheduler=pf_RngRun=2,1,pf,2,1,12.0,pf
numUes=4_scheduler=rr_RngRun=1,4,rr,1,4,41.0,rr
numUes=4_scheduler=rr_RngRun=2,4,rr,2,4,42.0,rr
numUes=4_scheduler=pf_RngRun=1,4,pf,1,4,41.0,pf
numUes=4_scheduler=pf_RngRun=2,4,pf,2,4,42.0,pf"
[[ $(cat "$SCRATCH/sweep/sweep.csv" 2>/dev/null) == "$expected_csv" ]] ||
    fail "sweep: sweep.csv differs from the expected table"
grep -q -- "--numUes=4 --scheduler=pf --RngRun=2 --outDir=$SCRATCH/sweep/runs/numUes=4_scheduler=pf_RngRun=2" \
    "$COUNTER" || fail "sweep: run arguments not passed as --ARG=VALUE ... --outDir=OUT/runs/NAME"

expect_status 0 "sweep: re-invocation skips finished runs" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/sweep" --grid numUes=1,4 --grid scheduler=rr,pf \
    --fixed "--counter=$COUNTER" --replications 2 --jobs 2 &&
    expect_output "sweep resume" "8 already finished, 0 to run"
[[ $(count "$COUNTER") -eq 8 ]] || fail "sweep: resumed sweep re-ran finished runs"

rm "$SCRATCH/sweep/runs/numUes=1_scheduler=rr_RngRun=1/run.json" # as if killed mid-run
expect_status 0 "sweep: extended grid runs only new and unfinished runs" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/sweep" --grid numUes=1,4,9 --grid scheduler=rr,pf \
    --fixed "--counter=$COUNTER" --replications 2 --jobs 2
[[ $(count "$COUNTER") -eq 13 ]] || fail "sweep: expected 8+4+1 invocations, got $(count "$COUNTER")"
[[ $(wc -l <"$SCRATCH/sweep/sweep.csv") -eq 13 ]] || fail "sweep: sweep.csv should have 12 runs"

expect_status 2 "sweep: changed --fixed refused on resume" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/sweep" --grid numUes=1 --fixed=--numUes=2 &&
    expect_output "sweep changed fixed" "sweep.json"

FAILS=$SCRATCH/fail-invocations
expect_status 1 "sweep: failing runs make the sweep fail after the others finish" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/failing" --grid scheduler=rr,pf,mr \
    --fixed "--counter=$FAILS" --fixed=--failWhen=pf --jobs 2 &&
    expect_output "sweep failure report" "scheduler=pf: exit status 3" &&
    expect_output "sweep stderr tail" "scheduler pf diverged"
[[ $(count "$FAILS") -eq 3 ]] || fail "sweep: all 3 runs should have been attempted"
[[ $(wc -l <"$SCRATCH/failing/sweep.csv" 2>/dev/null) -eq 3 ]] ||
    fail "sweep: sweep.csv should list the 2 finished runs"
expect_status 1 "sweep: re-invocation retries only the failed run" \
    "$SWEEP" --program "$FAKE" --out "$SCRATCH/failing" --grid scheduler=rr,pf,mr \
    --fixed "--counter=$FAILS" --fixed=--failWhen=pf --jobs 2
[[ $(count "$FAILS") -eq 4 ]] || fail "sweep: retry should run 1 program, total $(count "$FAILS")"

expect_status 2 "sweep: program that does not exist" \
    "$SWEEP" --program "$SCRATCH/nothing" --out "$SCRATCH/x" --grid a=1 &&
    expect_output "sweep bad program" "nothing"
expect_status 2 "sweep: malformed --grid" "$SWEEP" --program "$FAKE" --out "$SCRATCH/x" --grid a=

# --- plot_kpis.py ------------------------------------------------------------------
PLOT=$SRC/scripts/plot_kpis.py
expect_status 0 "plot_kpis: synthetic radio run" "$PLOT" "$DATA/radio-run" --out "$SCRATCH/png"
for png in sinr_cdf ue_throughput_cdf cell_throughput latency_cdf; do
    [[ $(head -c 8 "$SCRATCH/png/$png.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == \
        89504e470d0a1a0a ]] || fail "plot_kpis: $png.png missing or not a PNG"
done
# A split-fedft run (the golden trace): loss and NMSE against simulated time.
expect_status 0 "plot_kpis: split-fedft run" "$PLOT" "$SRC/tests/golden/split-fedft-tiny" --out "$SCRATCH/train" &&
    [[ $(head -c 8 "$SCRATCH/train/training.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == \
        89504e470d0a1a0a ]] || fail "plot_kpis: training.png missing or not a PNG"
mkdir -p "$SCRATCH/partial"
cut -d, -f1-5 "$DATA/radio-run/slots.csv" >"$SCRATCH/partial/slots.csv"
expect_status 0 "plot_kpis: missing columns and file are skipped" "$PLOT" "$SCRATCH/partial" &&
    expect_output "plot_kpis skip" "skipped cell throughput: needs slots.csv column delivered_bytes" &&
    expect_output "plot_kpis skip transfers" "skipped latency CDF: needs transfers.csv"
[[ -f $SCRATCH/partial/plots/sinr_cdf.png && ! -e $SCRATCH/partial/plots/cell_throughput.png ]] ||
    fail "plot_kpis: expected only sinr_cdf.png in the default OUTDIR/plots"
printf 'time_s,sinr_db\n0.1,abc\n' >"$SCRATCH/partial/slots.csv"
expect_status 2 "plot_kpis: non-numeric cell" "$PLOT" "$SCRATCH/partial" &&
    expect_output "plot_kpis bad cell" "slots.csv:2: column sinr_db: 'abc'"
expect_status 2 "plot_kpis: missing directory" "$PLOT" "$SCRATCH/no-such-run"

if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all script checks passed"
