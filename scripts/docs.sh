#!/usr/bin/env bash
# Builds the DocC documentation of the package's libraries (swift-docc-plugin) and fails on any
# warning: a broken symbol link, an undocumented parameter, an article that does not parse.
# The archives land in .build/plugins/Swift-DocC/outputs/<Target>.doccarchive.
#
# It names its targets because `swift package generate-documentation` with none documents every
# target of the package AND the direct dependencies' libraries (swift-crypto alone prints about
# a hundred warnings of its own), and the plugin's generated landing page for an executable
# without a catalogue draws a "No valid content" warning from DocC 6.3. The libraries here are
# the ones .spi.yml publishes; ManholeLifecycle joins them once it exists.
#
# Usage: scripts/docs.sh [TARGET...]   (default: every library)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(Reactor Inspector ManholeWire ManholeClient Manhole ManholeSSH)
    [ -d Sources/ManholeLifecycle ] && targets+=(ManholeLifecycle)
fi
args=()
for target in "${targets[@]}"; do args+=(--target "$target"); done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --warnings-as-errors makes DocC fail on its own warnings; the grep also catches warnings that
# the plugin or the symbol-graph build print, which do not change the exit status.
status=0
swift package generate-documentation "${args[@]}" --warnings-as-errors 2>&1 | tee "$log" || status=$?
if grep -qE '(warning|error):' "$log"; then
    echo "docs.sh: the documentation build printed warnings or errors (above)" >&2
    exit 1
fi
exit $status
