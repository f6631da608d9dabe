#!/usr/bin/env bash
# dp-accountant reproduces TF-Privacy's published MNIST epsilon and rejects bad input
# with an exit status of 1 and a message naming the argument.
set -uo pipefail
BUILD=$2
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# tensorflow/privacy tutorials/README.md: q = 256/60000, sigma = 1.1, 60 * 234 steps,
# classic conversion, delta = 1e-5 -> eps = 3.01 (two decimals).
out=$("$BUILD/dp-accountant" --samplingRate=0.0042666666666667 --noiseMultiplier=1.1 \
    --steps=14040 --delta=1e-5 --conversion=classic) || fail "valid run exited $?"
eps=$(sed -n 's/^epsilon=//p' <<<"$out")
order=$(sed -n 's/^optimalOrder=//p' <<<"$out")
if awk -v e="$eps" 'BEGIN { exit !(e >= 3.005 && e <= 3.015) }'; then
    echo "ok: TF-Privacy MNIST setting -> epsilon $eps at order $order"
else
    fail "epsilon '$eps' not within 3.01 +- 0.005: $out"
fi

expect_error() {
    local name=$1
    shift
    local msg
    msg=$("$BUILD/dp-accountant" "$@" 2>&1)
    local rc=$?
    if ((rc != 1)); then
        fail "$* exited $rc (expected 1)"
    elif ! grep -q -- "--$name" <<<"$msg"; then
        fail "$* message does not name --$name: $msg"
    else
        echo "ok: $* -> exit 1: $(tail -1 <<<"$msg")"
    fi
}
expect_error samplingRate --samplingRate=1.5
expect_error samplingRate --samplingRate=-0.1
expect_error noiseMultiplier --noiseMultiplier=0
expect_error delta --delta=1
expect_error delta --delta=0
expect_error steps --steps=-5
expect_error steps --steps=12.5
expect_error conversion --conversion=zcdp
expect_error samplingRate --samplingRate=abc
((failures == 0)) || { echo "$failures case(s) failed"; exit 1; }
echo "dp-accountant: all cases passed"
