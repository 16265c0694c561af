#!/usr/bin/env bash
# Checks the rules of the tree's layout that a compiler does not (docs/design.md, "Map"):
# no product file over 300 lines, and each library's public API within 50 declarations (60 for the Reactor)
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
# The Reactor's budget is 60: Crochet's whole surface (results, stash, timers, gather, shutdown
# phases, signals) on one page; every other library keeps 50.
scripts/public-api.sh --max 60 Reactor || status=1
scripts/public-api.sh --max 50 Inspector ManholeWire ManholeClient Manhole || status=1
exit $status
