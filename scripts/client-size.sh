#!/usr/bin/env bash
# Builds the release manhole-client and checks what it is made of: at most 15 MiB, and no symbol
# of the server (Manhole), the Inspector, the Reactor or NIO (ClientFootprintTests checks the
# debug binary the same way). Prints the size and the largest modules by symbol count.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((15 * 1024 * 1024))
swift build -c release --product manhole-client --scratch-path .build-release >/tmp/manhole-client-release.log 2>&1 \
    || { tail -30 /tmp/manhole-client-release.log; exit 1; }
binary=.build-release/release/manhole-client
size=$(stat -c %s "$binary")
server=$(nm --defined-only "$binary" | awk '{print $NF}' | grep -cE '^\$s(7Manhole|9Inspector|7Reactor|8NIOPosix|7NIOCore)' || true)
echo "manhole-client (release): $(awk -v b="$size" 'BEGIN { printf "%.1f MiB", b / 1048576 }'), $server symbols of the server, Inspector, Reactor or NIO"
status=0
[ "$size" -le "$limit" ] || { echo "over 15 MiB"; status=1; }
[ "$server" -eq 0 ] || { echo "the client links server code"; status=1; }
exit $status
