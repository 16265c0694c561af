#!/usr/bin/env bash
# The Hummingbird example host's HTTP throughput (wrk) alone and with 8 manhole sessions each
# running 100 commands a second (hbhost-load): several rounds, alternating alone/with so that a
# drift of the machine's load hits both alike; prints each round, the medians and their ratio
# (the goal: at least 0.95); and the machine's load (uptime), which a shared machine makes matter. Release build of Examples/HummingbirdHost; installs wrk if missing.
#
#   bash scripts/hummingbird-bench.sh [--rounds N] [--seconds S] [--connections C] [--require]
#
# --require exits 1 when the ratio is below 0.95. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh wrk

rounds=9 seconds=8 connections=32 require=0
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --require) require=1; shift ;;
        *) echo "usage: $0 [--rounds N] [--seconds S] [--connections C] [--require]" >&2; exit 2 ;;
    esac
done

package=Examples/HummingbirdHost
echo "== building $package (release)"
swift build -c release --package-path "$package" --product hummingbird-host >/tmp/hbhost-release.log 2>&1 \
    && swift build -c release --package-path "$package" --product hbhost-load >>/tmp/hbhost-release.log 2>&1 \
    || { tail -30 /tmp/hbhost-release.log; exit 1; }
bin=$(swift build -c release --package-path "$package" --show-bin-path)

export MANHOLE_PASSWORD=bench-password-$$
out=$(mktemp)
"$bin/hummingbird-host" --http-port 0 --manhole-port 0 --sessions-per-user 8 --log-level warning >"$out" &
host=$!
load=
cleanup() {
    [ -n "$load" ] && kill "$load" 2>/dev/null || true
    kill -TERM "$host" 2>/dev/null && wait "$host" 2>/dev/null || true
    rm -f "$out"
}
trap cleanup EXIT

port_of() { sed -n "s/^$1 listening on .*:\([0-9]*\)$/\1/p" "$out"; }
for _ in $(seq 600); do
    [ -n "$(port_of http)" ] && [ -n "$(port_of manhole)" ] && break
    kill -0 "$host" 2>/dev/null || { echo "hummingbird-host exited"; exit 1; }
    sleep 0.1
done
http=$(port_of http) manhole=$(port_of manhole)
[ -n "$http" ] && [ -n "$manhole" ] || { echo "hummingbird-host announced no ports"; cat "$out"; exit 1; }
echo "host: http 127.0.0.1:$http, manhole 127.0.0.1:$manhole (pid $host)"

# The benchmarked route: a cache hit (GET /cache/bench), after one PUT over bash's /dev/tcp.
exec 3<>"/dev/tcp/127.0.0.1/$http"
printf 'PUT /cache/bench HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello' >&3
head -1 <&3 | grep -q " 204" || { echo "PUT /cache/bench failed"; exit 1; }
exec 3<&-
url="http://127.0.0.1:$http/cache/bench"

# rps SECONDS: wrk's requests per second for the route.
rps() {
    local text
    text=$(wrk -t1 -c"$connections" -d"$1s" "$url")
    if grep -q "Non-2xx\|Socket errors" <<<"$text"; then echo "wrk saw errors:" >&2; echo "$text" >&2; exit 1; fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$text"
}

# manhole_cpu: the CPU time, in nanoseconds, of the host's threads the manhole owns (named
# manhole-*: the sessions' thread, the reactor, its watchdog), from the scheduler's own count.
manhole_cpu() {
    local total=0 task run
    for task in /proc/"$host"/task/*; do
        case $(cat "$task/comm" 2>/dev/null) in manhole-*) read -r run _ <"$task/schedstat"; total=$((total + run)) ;; esac
    done
    echo "$total"
}

# with_sessions SECONDS: wrk's figure while 8 paced sessions run commands; what the manhole's
# threads used meanwhile goes to /tmp/hbhost-manhole.out.
with_sessions() {
    # The sessions log in and settle first; they run past wrk's end so that the whole window is loaded.
    local before after
    before=$(manhole_cpu)
    "$bin/hbhost-load" --port "$manhole" --sessions 8 --rate 100 --seconds $(($1 + 3)) \
        --command "inspect cache.hits" >/tmp/hbhost-load.out 2>&1 &
    load=$!
    sleep 1
    rps "$1"
    wait "$load" || { echo "hbhost-load failed:" >&2; cat /tmp/hbhost-load.out >&2; exit 1; }
    load=
    after=$(manhole_cpu)
    awk -v n=$((after - before)) -v c=$((800 * ($1 + 3))) \
        'BEGIN { printf "manhole threads %.0f ms, %.1f us per command", n / 1e6, n / 1e3 / c }' >/tmp/hbhost-manhole.out
}

rps 2 >/dev/null   # warm-up
alone=() with=() ratios=()
for round in $(seq "$rounds"); do
    # ABBA: odd rounds measure alone first, even rounds with sessions first, so that a machine
    # whose load drifts (other builds on a shared machine) favours neither side.
    if [ $((round % 2)) = 1 ]; then a=$(rps "$seconds"); w=$(with_sessions "$seconds")
    else w=$(with_sessions "$seconds"); a=$(rps "$seconds"); fi
    alone+=("$a") with+=("$w") ratios+=("$(awk -v a="$a" -v w="$w" 'BEGIN { printf "%.3f", w / a }')")
    printf 'round %d: alone %s req/s, with 8 sessions x 100 cmd/s %s req/s, ratio %s  (%s; %s)\n' \
        "$round" "$a" "$w" "${ratios[-1]}" "$(cat /tmp/hbhost-manhole.out)" "$(sed 's/^hbhost-load: //' /tmp/hbhost-load.out)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(median "${alone[@]}") mw=$(median "${with[@]}")
ratio=$(awk -v a="$ma" -v w="$mw" 'BEGIN { printf "%.3f", w / a }')
echo "median: alone $ma req/s, with sessions $mw req/s, ratio $ratio (goal >= 0.95);" \
    "median of the rounds' ratios $(median "${ratios[@]}"); $(uptime)"
if [ "$require" = 1 ] && awk -v r="$ratio" 'BEGIN { exit !(r < 0.95) }'; then
    echo "FAILED: ratio below 0.95"
    exit 1
fi
