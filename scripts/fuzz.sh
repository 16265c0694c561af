#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/README.md) with the fuzzer and AddressSanitizer and runs
# each on a copy of its committed seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      each target for SECONDS (default 20)
#   scripts/fuzz.sh --runs N [TARGET...]       each target until N executions
#
# Targets: fuzz-line-decoder fuzz-frame fuzz-auth fuzz-command-line fuzz-path (default: all).
# Prints executions, exec/s, coverage and peak memory per target; exits non-zero on any crash,
# failed invariant, leak, timeout (an input running over 5 s) or out-of-memory, naming the input
# that caused it. Work files live in .build-fuzz/runs/ (the committed corpus is not touched).
# Needs only Swift 6.3 (clang's libFuzzer ships with the toolchain); installs nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz-line-decoder fuzz-frame fuzz-auth fuzz-command-line fuzz-path)
seconds=20
runs=""
if [ "${1:-}" = "--runs" ]; then
    runs=${2:?"--runs needs a count"}
    shift 2
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [ -d "Fuzz/$target" ] || { echo "unknown fuzz target $target (known: ${all_targets[*]})"; exit 2; }
done

command -v swift >/dev/null || { echo "Swift 6.x is required (https://swift.org/install)"; exit 1; }

# FUZZ_CONFIGURATION=debug builds without optimisation: about half the cold build time and
# slower executions; CI uses it for its short runs, the long runs use release (the default).
configuration=${FUZZ_CONFIGURATION:-release}
scratch=.build-fuzz
[ "$configuration" = release ] || scratch=.build-fuzz-$configuration
# SwiftPM hands swiftc `-sanitize=fuzzer -sanitize=address`, of which swiftc keeps only the last:
# Swift code would get no coverage instrumentation. The trailing combined flag restores it.
build=(swift build -c "$configuration" --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address)
# One build of the whole package: building the targets one `--product` at a time makes SwiftPM
# recompile every dependency for each of them.
echo "== building the fuzz targets ($configuration, -sanitize=fuzzer,address, in $scratch)"
started=$SECONDS
mkdir -p "$scratch"
if ! MANHOLE_FUZZ=1 "${build[@]}" >"$scratch/build.log" 2>&1; then
    grep -E 'error:' "$scratch/build.log" | head -n 20
    echo "FAILED: building the fuzz targets (full log in $scratch/build.log)"
    exit 1
fi
bin=$(MANHOLE_FUZZ=1 "${build[@]}" --show-bin-path)
echo "built in $((SECONDS - started)) s"

# The longest input each target tries.
max_len() {
    case $1 in
    fuzz-frame) echo 8192 ;;
    fuzz-line-decoder | fuzz-command-line) echo 4096 ;;
    *) echo 2048 ;;
    esac
}

# ASan: report leaks, stop at the first error; libFuzzer turns either into a saved input.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:${ASAN_OPTIONS:-}"
# Swift's own crash backtracer would fight ASan for the crashing process; libFuzzer reports instead.
export SWIFT_BACKTRACE=enable=no

failed=()
printf '%-18s %12s %8s %8s %8s %8s %7s  %s\n' target executions seconds exec/s cov features rss_mb result
for target in "${targets[@]}"; do
    work=$scratch/runs/$target
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp Fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null
    options=(-timeout=5 -rss_limit_mb=2048 -max_len="$(max_len "$target")" -print_final_stats=1
        -artifact_prefix="$work/artifacts/")
    [ -f "Fuzz/$target.dict" ] && options+=(-dict="Fuzz/$target.dict")
    if [ -n "$runs" ]; then options+=(-runs="$runs"); else options+=(-max_total_time="$seconds"); fi
    log=$work/fuzz.log
    run_started=$SECONDS
    "$bin/$target" "${options[@]}" "$work/corpus" >"$log" 2>&1
    status=$?
    elapsed=$((SECONDS - run_started))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    cov=$(echo "$coverage" | awk '{print $2}')
    features=$(echo "$coverage" | awk '{print $4}')
    artifacts=$(ls "$work/artifacts" 2>/dev/null)
    result=ok
    if [ $status -ne 0 ] || [ -n "$artifacts" ]; then result="FAILED (exit $status)"; fi
    if [ "$result" = ok ] && [ -z "$cov" ]; then result="FAILED (no coverage: not instrumented?)"; fi
    printf '%-18s %12s %8s %8s %8s %8s %7s  %s\n' "$target" "${executions:-?}" "$elapsed" "${speed:-?}" \
        "${cov:-?}" "${features:-?}" "${rss:-?}" "$result"
    if [ "$result" != ok ]; then
        failed+=("$target")
        grep -E 'ERROR: |Fatal error|SUMMARY: |==[0-9]+== ?ERROR' "$log" | head -n 5 | sed 's/^/    /'
        for artifact in $artifacts; do echo "    input: $work/artifacts/$artifact"; done
        echo "    log: $log"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all fuzz targets ran clean"
