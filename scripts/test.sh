#!/usr/bin/env bash
# Runs every test: the suite in debug mode and the Hummingbird example host's test, then the suite
# again under ThreadSanitizer and under AddressSanitizer (with LeakSanitizer), then each fuzzer
# for a short time and a small load run.
# Installs what is missing first, so it works on a fresh machine.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# run_suite NAME LOG swift-test-arguments...: runs the suite, prints failures and the summary.
run_suite() {
    local name=$1 log=$2
    shift 2
    echo "== $name"
    "$@" >"$log" 2>&1
    local status=$?
    # Keep failures, warnings and the closing summary; drop the per-test chatter.
    grep -Ev '^(◇|↳|✔ Test [^r]|✔ Suite)' "$log" | grep -Ev '^\[[0-9]+/[0-9]+\]' | tail -n 200
    if [ $status -ne 0 ] || ! grep -q "Test run with .* passed" "$log"; then
        echo "FAILED: $name (exit $status, full log in $log)"
        exit 1
    fi
    if grep -q "WARNING: ThreadSanitizer" "$log"; then
        echo "FAILED: $name: ThreadSanitizer reported a race (full log in $log)"
        exit 1
    fi
    if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)" "$log"; then
        echo "FAILED: $name: AddressSanitizer reported an error or a leak (full log in $log)"
        grep -A30 -E "ERROR: (AddressSanitizer|LeakSanitizer)" "$log" | head -60
        exit 1
    fi
}

# --no-parallel: many tests block their thread on real sockets and semaphores, as the blocking
# hosts they stand for do. Swift Testing runs test functions on the cooperative thread pool,
# which has one thread per core; run in parallel on a 2-core machine, blocked tests starve the
# actors and async reads other tests wait on. One at a time, the whole suite takes seconds.
run_suite "swift test" /tmp/manhole-test.log swift test --no-parallel
# The Hummingbird example host (its own package, so the library never depends on Hummingbird):
# built and its integration test run, in debug only (it builds Hummingbird from scratch, minutes).
run_suite "Examples/HummingbirdHost: swift test" /tmp/manhole-hbhost.log \
    swift test --package-path Examples/HummingbirdHost --no-parallel
# The layout's rules (docs/design.md, "Map"): product files within 300 lines, each library's
# public API within 50 declarations (counted from the compiler's symbol graph of that build).
echo "== layout"
scripts/layout-check.sh || { echo "FAILED: layout"; exit 1; }
# The libraries' DocC documentation (swift-docc-plugin): fails on any warning, a broken symbol
# link or an undocumented parameter among them.
echo "== documentation (DocC)"
bash scripts/docs.sh >/tmp/manhole-docs.log 2>&1 || { grep -E "(warning|error):" /tmp/manhole-docs.log | head -40; echo "FAILED: documentation (log in /tmp/manhole-docs.log)"; exit 1; }
grep -E "^Generated|documentation archive" /tmp/manhole-docs.log | head -3
# The result's state machine (Sources/Reactor/Model): the model passes, its seeded bugs fail.
echo "== model check"
bash scripts/model-check.sh --self-test >/tmp/manhole-model.log 2>&1 || { cat /tmp/manhole-model.log; echo "FAILED: model check (log in /tmp/manhole-model.log)"; exit 1; }
grep -E "^(==|  ok|  [0-9 ]+states, stored|  pan: elapsed)" /tmp/manhole-model.log
echo "== manhole-client (release): size"
scripts/client-size.sh || { echo "FAILED: manhole-client footprint"; exit 1; }
TSAN_OPTIONS="halt_on_error=1" run_suite "swift test --sanitize=thread" /tmp/manhole-tsan.log \
    swift test --no-parallel --sanitize=thread --scratch-path .build-tsan
# Child processes (the client, the probes) inherit these options from the test process.
ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0" \
    run_suite "swift test --sanitize=address" /tmp/manhole-asan.log \
    swift test --no-parallel --sanitize=address --scratch-path .build-asan
# Every fuzzer for a short time on the committed corpus (libFuzzer + AddressSanitizer, a debug
# build: half the cold build time of release, which the long runs use); the
# long runs are `bash scripts/fuzz.sh --runs 1000000`.
echo "== fuzzers (20 s each)"
if ! FUZZ_CONFIGURATION=debug bash scripts/fuzz.sh 20 >/tmp/manhole-fuzz.log 2>&1; then
    tail -80 /tmp/manhole-fuzz.log
    echo "FAILED: fuzzers (full log in /tmp/manhole-fuzz.log)"
    exit 1
fi
grep -E "^(fuzz-|target|  )" /tmp/manhole-fuzz.log | tail -20
# The load tool end to end (a small run; `manhole-load run` alone is 64 × 10,000): its own
# server in a child process, every reply verified, exit status 1 on any error.
echo "== manhole-load run (smoke: 8 sessions × 500 commands)"
swift build --product manhole-load >/tmp/manhole-load-build.log 2>&1 || { tail -50 /tmp/manhole-load-build.log; echo "FAILED: build manhole-load"; exit 1; }
if ! .build/debug/manhole-load run --sessions 8 --commands 500 --time-limit 300; then
    echo "FAILED: manhole-load run"
    exit 1
fi
echo "all tests passed (debug, ThreadSanitizer, AddressSanitizer, fuzzers, load smoke)"
