#!/usr/bin/env bash
# The README's first command. On a fresh machine: installs what is missing (libedit-dev, tmux),
# builds the demo host and the client (release), starts the demo host with a password generated
# here, waits until its manhole answers, and connects `manhole-client -p PORT` to it:
# interactive when run from a terminal, a scripted tour (commands and their output) when not.
# Then it stops the demo host with SIGTERM and waits for it. Exits non-zero if anything failed.
#
#   bash scripts/demo.sh              # on a terminal: you get the manhole prompt (Ctrl-D ends)
#   bash scripts/demo.sh </dev/null   # the scripted tour
#   MANHOLE_DEMO_PORT=6022 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

PORT="${MANHOLE_DEMO_PORT:-5022}"
BIN=.build/release

echo "== building manhole-demo and manhole-client (release; the first build takes a few minutes)"
swift build -c release --product manhole-demo
swift build -c release --product manhole-client

# A fresh password for this run only; the client reads it from the same variable. (Without it
# manhole-demo would generate one and show it on the terminal, or without one write it to a 0600
# file whose path it prints: never to its output, which goes to the log here.)
MANHOLE_PASSWORD="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
export MANHOLE_PASSWORD
# The client's default user is $USER; give the demo host's admin the same name.
USER="${USER:-$(id -un 2>/dev/null || echo admin)}"
export USER

LOG="$(mktemp /tmp/manhole-demo.XXXXXX.log)"
echo "== starting manhole-demo on 127.0.0.1:$PORT as user $USER (log: $LOG)"
"$BIN/manhole-demo" --port "$PORT" --user "$USER" >"$LOG" 2>&1 &
DEMO_PID=$!

stop_demo() {
    if kill -0 "$DEMO_PID" 2>/dev/null; then
        kill -TERM "$DEMO_PID"
        local status=0
        wait "$DEMO_PID" || status=$?
        DEMO_PID_STATUS=$status
    fi
}
DEMO_PID_STATUS=
trap stop_demo EXIT

# Wait until the port answers: poll (at most 30 s), and give up at once if the host died.
deadline=$((SECONDS + 30))
until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then
        echo "manhole-demo exited before listening:"; cat "$LOG"; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "manhole-demo did not listen on port $PORT within 30 s:"; cat "$LOG"; exit 1
    fi
    sleep 0.05
done

failures=0
if [ -t 0 ] && [ -t 1 ]; then
    echo "== connecting: manhole-client -p $PORT   (password in MANHOLE_PASSWORD; Tab completes, Ctrl-D quits)"
    echo "   try: help, ls, inspect app.config, p jobs --depth 2, timers, results, result 4, stats, pause-jobs 10, health,"
    echo "        and 'stall 5' in one client while another runs loop"
    "$BIN/manhole-client" -p "$PORT" || failures=$((failures + 1))
else
    echo "== scripted tour (stdin is not a terminal; run from a terminal for the interactive prompt)"
    tour() {
        echo
        local shown="" word
        for word in "$@"; do
            case "$word" in *" "*) shown+=" '$word'" ;; *) shown+=" $word" ;; esac
        done
        echo "\$ manhole-client -p $PORT$shown"
        "$BIN/manhole-client" -p "$PORT" "$@" || { echo "!! failed (exit $?)"; failures=$((failures + 1)); }
    }
    tour -c whoami
    tour -c help
    tour -c ls
    tour -c 'inspect app'
    tour -c 'inspect jobs --depth 2'
    tour -c timers
    tour -c results
    tour -c 'inspect results' -c 'result 4'
    tour -c 'complete inspect app.con'
    tour -c 'pause-jobs 30' -c health -c 'resume-jobs'
    tour -c stats -c reactor
    tour -c metrics
    tour --json -c whoami -c 'inspect config.retry'
    echo
    # A host body that blocks the reactor thread for 2 s: the shell still answers and names it.
    tour -c 'stall 2'
    sleep 0.3
    tour -c whoami -c loop
    sleep 2
    tour -c 'loop --stalls'
    echo
    echo "\$ printf 'health\\ncancel-timer 999\\n' | manhole-client -p $PORT   # a script on stdin; an error gives exit code 1"
    status=0
    printf 'health\ncancel-timer 999\n' | "$BIN/manhole-client" -p "$PORT" || status=$?
    echo "(exit code $status)"
    [ "$status" -eq 1 ] || { echo "!! expected exit code 1"; failures=$((failures + 1)); }
fi

echo
echo "== stopping manhole-demo (SIGTERM)"
stop_demo
trap - EXIT
if [ "$DEMO_PID_STATUS" != "0" ]; then
    echo "!! manhole-demo exited with status ${DEMO_PID_STATUS:-?}:"; tail -n 20 "$LOG"
    failures=$((failures + 1))
else
    echo "manhole-demo stopped cleanly; its log:"
    grep -E "listening|stopping|stopped" "$LOG" | sed 's/^/  /'
fi
if [ "$failures" -ne 0 ]; then
    echo "demo FAILED ($failures problem(s))"
    exit 1
fi
echo "demo OK"
