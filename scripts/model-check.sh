#!/usr/bin/env bash
# Verifies the Promela model of a reactor result's state machine
# (Sources/Reactor/Model/ResultStateMachine.pml, docs/design.md "The result's state machine, model
# checked") with spin: an exhaustive search of every interleaving for assertion violations and
# invalid end states (a thread blocked for ever: a deadlock or a lost wake-up). Exits non-zero on
# any counterexample, and prints its trail.
#
#   scripts/model-check.sh                  the model as the Swift code is: must pass
#   scripts/model-check.sh --seeded-bug [N] a seeded bug (1: lost wake-up, 2: announce before
#                                           publish; 3 and 4: the two races the model found in the
#                                           Swift code, as it was: a cancel during stop dropped its
#                                           canceller, a retrieve during settle kept the result
#                                           tracked; 5: a canceller run after the loop
#                                           ended handed its work to the dead loop): must fail
#   scripts/model-check.sh --cycles         searches for cycles instead (-DNP): none may exist,
#                                           which is what makes the end-state check a liveness
#                                           check (every run ends)
#   scripts/model-check.sh --self-test      the model passes and every seeded bug fails
set -uo pipefail
cd "$(dirname "$0")/.."
model=$PWD/Sources/Reactor/Model/ResultStateMachine.pml
# Bounds: the search depth (the model's runs are under 150 steps), the hash table (2^22 slots,
# grown by pan when needed) and the memory (MiB; pan stops, and this script fails, beyond it).
depth=10000
hash_bits=22
memory_limit=${MODEL_MEMORY_MIB:-2048}

command -v spin >/dev/null || source scripts/setup.sh spin
command -v cc >/dev/null || { echo "a C compiler (cc) is required"; exit 1; }

# verify NAME EXPECTATION SPIN-DEFINES...: generates, compiles and runs the verifier; returns 0 when
# the outcome matches EXPECTATION ("pass" or "fail").
verify() {
    local name=$1 expectation=$2
    shift 2
    local work
    work=$(mktemp -d)
    local flags=(-O2 -DSAFETY -DCOLLAPSE -DMEMLIM=$memory_limit)
    local run=(-m$depth -w$hash_bits)
    if [[ " $* " == *" -DCYCLES "* ]]; then
        # Non-progress cycles: the model has no progress labels, so any cycle at all is reported.
        flags=(-O2 -DNP -DCOLLAPSE -DMEMLIM=$memory_limit)
        run+=(-l)
    fi
    echo "== model check: $name (expected to $expectation)"
    cp "$model" "$work/model.pml"
    (
        cd "$work" || exit 1
        spin -a "$@" model.pml >spin.log 2>&1 || { cat spin.log; exit 2; }
        cc "${flags[@]}" -o pan pan.c 2>cc.log || { cat cc.log; exit 2; }
        ./pan "${run[@]}" >pan.log 2>&1
        exit 0
    )
    local built=$?
    if [ $built -ne 0 ]; then
        echo "FAILED: could not build the verifier for $name"
        rm -rf "$work"
        return 1
    fi
    local log=$work/pan.log
    grep -E "^pan:|State-vector|states, stored|total actual memory|elapsed time" "$log" | grep -v "^pan: rate" | sed 's/^/  /'
    local errors complete=1
    errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
    # A search cut short (memory or depth bound) proves nothing: it counts as a failure.
    if grep -qE "Search not completed|reached -DMEMLIM|max search depth too small" "$log"; then complete=0; fi
    local status
    if [ -z "$errors" ]; then
        echo "  no verdict from pan:"
        tail -20 "$log"
        status=1
    elif [ "$errors" -gt 0 ]; then
        echo "  counterexample (spin -t -p, statements only):"
        (cd "$work" && spin -t -p "$@" model.pml 2>&1) | grep -E "proc|assertion|terminates|invalid|timeout" \
            | grep -vE "^\s*$" | head -400 | sed 's/^/    /'
        [ "$expectation" = fail ] && status=0 || status=1
    elif [ $complete -eq 0 ]; then
        echo "  the search did not complete (bounds: -m$depth, $memory_limit MiB)"
        status=1
    else
        [ "$expectation" = pass ] && status=0 || status=1
    fi
    if [ $status -eq 0 ]; then echo "  ok: $name ${expectation}ed as expected"; else echo "FAILED: $name did not $expectation"; fi
    rm -rf "$work"
    return $status
}

case "${1:-}" in
"")
    verify "the model" pass
    ;;
--seeded-bug)
    n=${2:-1}
    # Run as a plain check, the seeded model's counterexample is the run's failure.
    verify "seeded bug $n" pass -DSEEDED_BUG="$n"
    ;;
--cycles)
    verify "no cycles" pass -DCYCLES
    ;;
--self-test)
    status=0
    verify "the model" pass || status=1
    verify "seeded bug 1 (lost wake-up)" fail -DSEEDED_BUG=1 || status=1
    verify "seeded bug 2 (announce before publish)" fail -DSEEDED_BUG=2 || status=1
    verify "seeded bug 3 (a cancel during stop drops its canceller)" fail -DSEEDED_BUG=3 || status=1
    verify "seeded bug 4 (a retrieve during settle keeps the result tracked)" fail -DSEEDED_BUG=4 || status=1
    verify "seeded bug 5 (a canceller run after the loop ended hands its work to the dead loop)" fail -DSEEDED_BUG=5 || status=1
    [ $status -eq 0 ] && echo "model check self-test: the model passes, every seeded bug is caught"
    exit $status
    ;;
*)
    echo "usage: $0 [--seeded-bug [1-5] | --cycles | --self-test]"
    exit 2
    ;;
esac
