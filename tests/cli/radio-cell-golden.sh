#!/usr/bin/env bash
# Regresses a small radio run against its golden KPI traces (tests/golden/). The
# tolerances absorb one unit in the last printed digit (floating-point reordering on
# another compiler or CPU), nothing more. Regenerate with scripts/update-golden.sh.
set -euo pipefail
SRC=$1
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
name=radio-cell-small
read -r -a args <"$SRC/tests/golden/$name.args"
"$BUILD/radio-cell" "${args[@]}" --outDir="$TMP/out" >/dev/null
# Per file: the columns whose last printed digit may move.
tolerances() {
    case $1 in
    slots.csv) echo --abs-tol sinr_db=1e-4 --abs-tol bler=1e-6 ;;
    ues.csv) echo --abs-tol mean_sinr_db=1e-4 --abs-tol distance_m=0.01 --abs-tol radio_energy_j=1e-6 ;;
    summary.csv) echo --default-abs 1e-4 ;;
    transfers.csv) echo --default-abs 1e-9 ;;
    esac
}
status=0
for f in "$SRC/tests/golden/$name"/*.csv; do
    base=$(basename "$f")
    # shellcheck disable=SC2046
    /usr/bin/python3 "$SRC/scripts/kpi_diff.py" "$f" "$TMP/out/$base" $(tolerances "$base") ||
        status=1
done
exit $status
