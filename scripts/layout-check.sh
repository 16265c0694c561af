#!/usr/bin/env bash
# Checks the rules of the tree's layout that a compiler does not (docs/design.md, "Map"):
# no product file over 300 lines, and each library's public API within 50 declarations (60 for the Reactor and the Manhole)
# (scripts/public-api.sh counts them from the compiler's symbol graph).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
long=$(find Sources -name '*.swift' -exec wc -l {} + | awk '$2 != "total" && $1 > 300 { print "  " $2 ": " $1 " lines" }')
if [ -n "$long" ]; then
    echo "product files over 300 lines:"
    echo "$long"
    status=1
fi
# The Reactor and the Manhole have 60: the Reactor is Crochet's whole surface (results, stash, timers, gather, shutdown
# phases, signals), the Manhole grows with the live views (log capture); the others keep 50.
scripts/public-api.sh --max 60 Reactor || status=1
scripts/public-api.sh --max 50 Inspector ManholeWire ManholeClient ManholeSSH ManholeLifecycle || status=1
scripts/public-api.sh --max 60 Manhole || status=1
exit $status
