#!/usr/bin/env bash
# Bad arguments exit non-zero with a message naming the argument and leave no output.
set -uo pipefail
BUILD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
expect_error() {
    local name=$1
    shift
    local out="$TMP/out-$name"
    local msg
    msg=$("$BUILD/radio-cell" --duration=0.01 --outDir="$out" "$@" 2>&1)
    local rc=$?
    if ((rc == 0)); then
        echo "FAIL: $* exited 0"
        failures=$((failures + 1))
    elif ! grep -q -- "--$name" <<<"$msg"; then
        echo "FAIL: $* message does not name --$name: $msg"
        failures=$((failures + 1))
    elif [[ -e "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then
        echo "FAIL: $* left output files: $(ls -A "$out")"
        failures=$((failures + 1))
    else
        echo "ok: $* -> exit $rc: $(tail -1 <<<"$msg")"
    fi
}
expect_error bandwidthHz --bandwidthHz=-20e6
expect_error scenario --scenario=Atlantis
expect_error ues --ues=0
expect_error numerology --numerology=7
expect_error scheduler --scheduler=fifo
expect_error radio --radio=fluid
expect_error flowStepSlots --flowStepSlots=40
# A flow step shorter than the CSI period is refused when the engine starts, naming both.
msg=$("$BUILD/radio-cell" --duration=0.01 --radio=flow --flowStepSlots=3 --outDir="$TMP/out-short" 2>&1)
if [ $? -eq 0 ] || ! grep -q "StepSlots 3 is shorter than CsiPeriodSlots 5" <<<"$msg" ||
    [[ -n "$(ls -A "$TMP/out-short" 2>/dev/null)" ]]; then
    echo "FAIL: a 3-slot flow step: $msg"
    failures=$((failures + 1))
fi
expect_error frequencyHz --frequencyHz=200e9
mkdir -p "$TMP/readonly"
chmod 555 "$TMP/readonly"
if [[ $(id -u) -eq 0 ]]; then
    # root ignores directory permissions: use a path under a regular file instead
    touch "$TMP/file"
    expect_error outDir --outDir="$TMP/file/sub"
else
    expect_error outDir --outDir="$TMP/readonly/sub"
fi
((failures == 0)) || { echo "$failures bad-input case(s) failed"; exit 1; }
echo "bad input: all cases rejected cleanly"
