#!/usr/bin/env bash
# Regresses small runs against their golden KPI traces (tests/golden/<program>-<label>,
# run with the arguments in <program>-<label>.args). The tolerances absorb floating-point
# reordering on another compiler, CPU or BLAS kernel, nothing more: radio KPIs one unit in
# the last printed digit; in split-fedft, times, bytes and selections exactly (the
# simulated timeline does not depend on tensor values) and the learning KPIs to 1e-5
# (losses) and 1e-3 dB (NMSE). Regenerate with scripts/update-golden.sh.
set -euo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Per file: the columns whose last printed digits may move.
tolerances() {
    case $1 in
    slots.csv) echo --abs-tol sinr_db=1e-4 --abs-tol bler=1e-6 ;;
    ues.csv) echo --abs-tol mean_sinr_db=1e-4 --abs-tol distance_m=0.01 --abs-tol radio_energy_j=1e-6 ;;
    transfers.csv) echo --default-abs 1e-9 ;;
    rounds.csv) echo --abs-tol train_loss=1e-5 --abs-tol val_nmse_db=1e-3 ;;
    devices.csv) echo --abs-tol loss=1e-5 ;;
    summary.csv)
        if [ "$2" = split-fedft ]; then
            echo --abs-tol pretrained_nmse_db=1e-3 --abs-tol final_nmse_db=1e-3 \
                --abs-tol hold_nmse_db=1e-3 --abs-tol ar8_nmse_db=1e-3 --abs-tol prony_nmse_db=1e-3
        else
            echo --default-abs 1e-4
        fi
        ;;
    esac
}
status=0
for args_file in "$SRC"/tests/golden/*.args; do
    name=$(basename "$args_file" .args)
    program=${name%-*}
    read -r -a args <"$args_file"
    "$BUILD/$program" "${args[@]}" --outDir="$TMP/$name" >/dev/null 2>&1
    for f in "$SRC/tests/golden/$name"/*.csv; do
        base=$(basename "$f")
        # shellcheck disable=SC2046
        /usr/bin/python3 "$SRC/scripts/kpi_diff.py" "$f" "$TMP/$name/$base" \
            $(tolerances "$base" "$program") || status=1
    done
done
exit $status
