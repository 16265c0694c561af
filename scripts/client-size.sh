#!/usr/bin/env bash
# Builds the release manhole-client and checks that it is at most 15 MiB. What it links (no
# symbol of the server, the Inspector, the Reactor or NIO) is ClientFootprintTests' to check:
# Package.swift decides it, the same in debug and release.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((15 * 1024 * 1024))
swift build -c release --product manhole-client --scratch-path .build-release >/tmp/manhole-client-release.log 2>&1 \
    || { tail -30 /tmp/manhole-client-release.log; exit 1; }
binary=.build-release/release/manhole-client
size=$(stat -c %s "$binary")
echo "manhole-client (release): $(awk -v b="$size" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
[ "$size" -le "$limit" ] || { echo "over 15 MiB"; exit 1; }
