#!/usr/bin/env bash
# Our shell and Reactor beside their Python peers, measured in one run with one method (issue 17;
# docs/performance.md): python-manhole over its unix socket, Twisted Conch's manhole over telnet,
# Crochet's wait_for beside our Reactor.waitFor; our shell over SSH beside Twisted Conch's manhole
# over SSH (issue 20), both through stock `ssh -tt`. Every system: one session (or 1 and 4 threads
# for the blocking calls), 200 warm-up commands, then 3 × 2,000 back to back; p50, p99 and
# commands/s per run, the median of the 3 runs reported. Prints one table with the peers' ratios to ours.
#
# From a fresh clone: makes a virtual environment in .build/compare-venv (ignored by git) and
# installs the peers from PyPI (scripts/compare/requirements.txt), builds manhole-benchmark in
# release mode, then measures. Exits non-zero, saying which, if any system could not be measured.
#
#   bash scripts/compare.sh              # build, then measure (well under a minute once built)
#   bash scripts/compare.sh --no-build   # measure with the release binaries already built
#   bash scripts/compare.sh --busy       # ... with one busy-spinning process on the cores throughout
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
busy=0
for argument in "$@"; do
    case "$argument" in
        --no-build) build=0 ;;
        --busy) busy=1 ;;
        *) echo "usage: $0 [--no-build] [--busy]" >&2; exit 2 ;;
    esac
done

VENV=.build/compare-venv
PEERS=scripts/compare
WORK="$(mktemp -d /tmp/manhole-compare.XXXXXX)"
ROWS="$WORK/rows.md"
: >"$ROWS"
failed=()

# The hosts we start read their stdin until it closes: they end with this script, however it ends;
# they and the busy spinner are also stopped here, by their ids.
started_pids=()
cleanup() {
    for pid in "${started_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores; load before: $(uptime)"
started=$SECONDS

# python3 -m venv needs ensurepip, which Debian ships apart (python3-venv).
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    source scripts/setup.sh python3-venv
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "== making $VENV"
    python3 -m venv "$VENV"
fi
echo "== installing the peers into $VENV (scripts/compare/requirements.txt)"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$PEERS/requirements.txt"
PY="$VENV/bin/python"
"$PY" -c 'import sys, importlib.metadata as m; print("   Python", sys.version.split()[0] + ";",
    "; ".join(f"{p} {m.version(p)}" for p in ("manhole", "crochet", "twisted", "cryptography")))'

if [ "$build" = 1 ]; then
    echo "== building manhole-benchmark (release; the first build takes several minutes)"
    if ! swift build -c release --product manhole-benchmark >"$WORK/build.log" 2>&1; then
        grep -E "error" "$WORK/build.log" >&2 || tail -20 "$WORK/build.log" >&2
        echo "could not build manhole-benchmark: nothing measured" >&2
        exit 1
    fi
    grep -E "warning: " "$WORK/build.log" || true
fi
BENCH="$(swift build -c release --show-bin-path)/manhole-benchmark"
[ -x "$BENCH" ] || { echo "no $BENCH: run without --no-build" >&2; exit 1; }
echo "== set-up took $((SECONDS - started)) s; measuring"
if [ "$busy" = 1 ]; then
    # The same contention for every system: a process spinning on one core, as
    # manhole-benchmark's "loaded" sections spin a thread.
    bash -c 'while :; do :; done' &
    BUSY_PID=$!
    started_pids+=("$BUSY_PID")
    echo "   with one busy-spinning process (pid $BUSY_PID) throughout"
fi
measuring=$SECONDS

# Runs one measuring program; its rows go to the table, its failure to the list of failures.
measure() {
    local name="$1"
    shift
    echo "-- $name"
    if ! "$@" | tee -a "$ROWS"; then
        failed+=("$name")
    fi
}

# Starts a host under coproc (its stdin is our pipe) and waits for its first line: `ready` or
# `port N`. Sets HOST_LINE, or returns 1 after saying why.
start_host() {
    local name="$1"
    shift
    coproc HOST { exec "$@" 2>"$WORK/host.err"; }
    started_pids+=("$HOST_PID")
    HOST_LINE=""
    if ! read -r -t 30 -u "${HOST[0]}" HOST_LINE; then
        echo "$name did not start: $(cat "$WORK/host.err")" >&2
        return 1
    fi
}

# Closes the host's stdin, which ends it, and waits for it.
stop_host() {
    local pid="$HOST_PID"
    eval "exec ${HOST[1]}>&-"
    wait "$pid" 2>/dev/null || true
}

measure "ours (manhole-benchmark --sections peers)" "$BENCH" --sections peers

if start_host "the python-manhole host" "$PY" "$PEERS/pymanhole_host.py" "$WORK/python-manhole.sock"; then
    measure "python-manhole" "$PY" "$PEERS/pymanhole_client.py" "$WORK/python-manhole.sock"
    stop_host
else
    failed+=("python-manhole")
fi

if start_host "the Twisted manhole host" "$PY" "$PEERS/twisted_host.py"; then
    if [[ "$HOST_LINE" == port\ * ]]; then
        measure "Twisted manhole" "$PY" "$PEERS/twisted_client.py" "${HOST_LINE#port }"
    else
        echo "the Twisted manhole host said \"$HOST_LINE\", not its port" >&2
        failed+=("Twisted manhole")
    fi
    stop_host
else
    failed+=("Twisted manhole")
fi

# Over SSH (issue 20): stock `ssh -tt` through sshpass, a pty on the server, a line typed and the
# time until the next prompt; manhole-benchmark's `ssh` section drives ssh for both systems, so
# the client side is the same code. Conch's host makes its Ed25519 host key in the work directory.
if ! command -v sshpass >/dev/null || ! command -v ssh >/dev/null; then
    source scripts/setup.sh  # installs both
fi
measure "ours over SSH (manhole-benchmark --sections ssh)" "$BENCH" --sections ssh
SSH_PEER_PASSWORD="conch-$RANDOM$RANDOM"
if start_host "the Twisted SSH manhole host" env SSHPASS="$SSH_PEER_PASSWORD" "$PY" "$PEERS/twisted_ssh_host.py" "$WORK/conch_host_key"; then
    if [[ "$HOST_LINE" == port\ * ]]; then
        measure "Twisted manhole over SSH" env SSHPASS="$SSH_PEER_PASSWORD" "$BENCH" --sections ssh --ssh-peer-port "${HOST_LINE#port }"
    else
        echo "the Twisted SSH manhole host said \"$HOST_LINE\", not its port" >&2
        failed+=("Twisted manhole over SSH")
    fi
    stop_host
else
    failed+=("Twisted manhole over SSH")
fi

measure "Crochet" "$PY" "$PEERS/crochet_wait_for.py"

if [ "$busy" = 1 ]; then
    kill -TERM "$BUSY_PID"
    wait "$BUSY_PID" 2>/dev/null || true
fi
echo
echo "== measuring took $((SECONDS - measuring)) s; load after: $(uptime)"
echo "   (a load average near or above $(nproc) means other work shared the cores: compare ratios, not absolutes)"
echo
table_status=0
"$PY" "$PEERS/table.py" <"$ROWS" || table_status=$?
if [ ${#failed[@]} -gt 0 ]; then
    echo "could not measure: $(printf '%s, ' "${failed[@]}" | sed 's/, $//')" >&2
    exit 1
fi
exit "$table_status"
