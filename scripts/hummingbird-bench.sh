#!/usr/bin/env bash
# The Hummingbird example host's HTTP throughput (wrk) alone and with 8 manhole sessions each
# running 100 commands a second (hbhost-load): several rounds, alternating alone/with so that a
# drift of the machine's load hits both alike; prints each round (with what the manhole's threads
# and the load driver used per command), the medians and their ratio (the goal: at least 0.95),
# and the machine's load (uptime), which a shared machine makes matter. Release build of
# Examples/HummingbirdHost; installs wrk if missing.
#
#   bash scripts/hummingbird-bench.sh [--rounds N] [--seconds S] [--connections C] [--require]
#                                     [--baseline DIR]
#
# --require exits 1 when the ratio is below 0.95. --baseline DIR also measures the
# hummingbird-host binary in DIR (an older commit's release build) in the same rounds, in
# alternating order, driven by this tree's hbhost-load: a side-by-side comparison, e.g.
#   git worktree add /tmp/base 77be6e9
#   swift build -c release --package-path /tmp/base/Examples/HummingbirdHost --product hummingbird-host
#   bash scripts/hummingbird-bench.sh --baseline /tmp/base/Examples/HummingbirdHost/.build/release
# Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh wrk

rounds=9 seconds=8 connections=32 require=0 baseline=
usage="usage: $0 [--rounds N] [--seconds S] [--connections C] [--require] [--baseline DIR]"
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --require) require=1; shift ;;
        --baseline) baseline=$2; shift 2 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
[ -z "$baseline" ] || [ -x "$baseline/hummingbird-host" ] || { echo "no hummingbird-host in $baseline" >&2; exit 2; }

package=Examples/HummingbirdHost
echo "== building $package (release)"
swift build -c release --package-path "$package" --product hummingbird-host >/tmp/hbhost-release.log 2>&1 \
    && swift build -c release --package-path "$package" --product hbhost-load >>/tmp/hbhost-release.log 2>&1 \
    || { tail -30 /tmp/hbhost-release.log; exit 1; }
bin=$(swift build -c release --package-path "$package" --show-bin-path)

# The hosts measured: this tree's, and the baseline's if given. Index 0 is this tree's.
names=(this) binaries=("$bin/hummingbird-host")
[ -n "$baseline" ] && names+=(baseline) binaries+=("$baseline/hummingbird-host")
export MANHOLE_PASSWORD=bench-password-$$
pids=() outs=() https=() manholes=()
load=
cleanup() {
    [ -n "$load" ] && kill "$load" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -f "${outs[@]}"
}
trap cleanup EXIT

port_of() { sed -n "s/^$1 listening on .*:\([0-9]*\)$/\1/p" "$2"; }
for i in "${!binaries[@]}"; do
    outs[i]=$(mktemp)
    "${binaries[i]}" --http-port 0 --manhole-port 0 --sessions-per-user 8 --log-level warning >"${outs[i]}" &
    pids[i]=$!
    for _ in $(seq 600); do
        [ -n "$(port_of http "${outs[i]}")" ] && [ -n "$(port_of manhole "${outs[i]}")" ] && break
        kill -0 "${pids[i]}" 2>/dev/null || { echo "hummingbird-host (${names[i]}) exited"; exit 1; }
        sleep 0.1
    done
    https[i]=$(port_of http "${outs[i]}") manholes[i]=$(port_of manhole "${outs[i]}")
    [ -n "${https[i]}" ] && [ -n "${manholes[i]}" ] || { echo "hummingbird-host announced no ports"; cat "${outs[i]}"; exit 1; }
    echo "host ${names[i]}: http 127.0.0.1:${https[i]}, manhole 127.0.0.1:${manholes[i]} (pid ${pids[i]}, ${binaries[i]})"
    # The benchmarked route: a cache hit (GET /cache/bench), after one PUT over bash's /dev/tcp.
    exec 3<>"/dev/tcp/127.0.0.1/${https[i]}"
    printf 'PUT /cache/bench HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello' >&3
    head -1 <&3 | grep -q " 204" || { echo "PUT /cache/bench failed"; exit 1; }
    exec 3<&-
done

# rps HOST SECONDS: wrk's requests per second for the route on host number HOST.
rps() {
    local text
    text=$(wrk -t1 -c"$connections" -d"$2s" "http://127.0.0.1:${https[$1]}/cache/bench")
    if grep -q "Non-2xx\|Socket errors" <<<"$text"; then echo "wrk saw errors:" >&2; echo "$text" >&2; exit 1; fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$text"
}

# manhole_cpu HOST: the CPU time, in nanoseconds, of the host's threads the manhole owns (named
# manhole-*: the sessions' thread, the reactor, its watchdog), from the scheduler's own count.
manhole_cpu() {
    local total=0 task run
    for task in /proc/"${pids[$1]}"/task/*; do
        case $(cat "$task/comm" 2>/dev/null) in manhole-*) read -r run _ <"$task/schedstat"; total=$((total + run)) ;; esac
    done
    echo "$total"
}

# with_sessions HOST SECONDS: wrk's figure while 8 paced sessions run commands; what the
# manhole's threads used meanwhile goes to /tmp/hbhost-manhole.out.
with_sessions() {
    # The sessions log in and settle first; they run past wrk's end so that the whole window is loaded.
    local before after
    before=$(manhole_cpu "$1")
    "$bin/hbhost-load" --port "${manholes[$1]}" --sessions 8 --rate 100 --seconds $(($2 + 3)) \
        --command "inspect cache.hits" >/tmp/hbhost-load.out 2>&1 &
    load=$!
    sleep 1
    rps "$1" "$2"
    wait "$load" || { echo "hbhost-load failed:" >&2; cat /tmp/hbhost-load.out >&2; exit 1; }
    load=
    after=$(manhole_cpu "$1")
    awk -v n=$((after - before)) -v c=$((800 * ($2 + 3))) \
        'BEGIN { printf "manhole threads %.0f ms, %.1f us per command", n / 1e6, n / 1e3 / c }' >/tmp/hbhost-manhole.out
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for i in "${!names[@]}"; do rps "$i" 2 >/dev/null; done   # warm-up
alone=() with=() ratios=()   # per host: the rounds' figures, space-separated
for round in $(seq "$rounds"); do
    # ABBA: odd rounds take the hosts in order and measure alone first, even rounds the reverse,
    # so that a machine whose load drifts (other builds on a shared machine) favours no side.
    order=("${!names[@]}")
    [ $((round % 2)) = 0 ] && order=($(printf '%s\n' "${order[@]}" | sort -rn))
    for i in "${order[@]}"; do
        if [ $((round % 2)) = 1 ]; then a=$(rps "$i" "$seconds"); w=$(with_sessions "$i" "$seconds")
        else w=$(with_sessions "$i" "$seconds"); a=$(rps "$i" "$seconds"); fi
        r=$(awk -v a="$a" -v w="$w" 'BEGIN { printf "%.3f", w / a }')
        alone[i]="${alone[i]:-} $a" with[i]="${with[i]:-} $w" ratios[i]="${ratios[i]:-} $r"
        printf 'round %d, %s: alone %s req/s, with 8 sessions x 100 cmd/s %s req/s, ratio %s  (%s; %s)\n' \
            "$round" "${names[i]}" "$a" "$w" "$r" "$(cat /tmp/hbhost-manhole.out)" "$(sed 's/^hbhost-load: //' /tmp/hbhost-load.out)"
    done
done

for i in "${!names[@]}"; do
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    ma=$(median ${alone[i]}) mw=$(median ${with[i]}) mr=$(median ${ratios[i]})
    ratio=$(awk -v a="$ma" -v w="$mw" 'BEGIN { printf "%.3f", w / a }')
    echo "median, ${names[i]}: alone $ma req/s, with sessions $mw req/s, ratio $ratio (goal >= 0.95);" \
        "median of the rounds' ratios $mr"
    [ "$i" = 0 ] && this_ratio=$ratio
done
uptime
if [ "$require" = 1 ] && awk -v r="$this_ratio" 'BEGIN { exit !(r < 0.95) }'; then
    echo "FAILED: ratio below 0.95"
    exit 1
fi
