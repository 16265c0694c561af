#!/usr/bin/env bash
# Counts the public declarations of each library, as the compiler sees them: one line per module
# ("Reactor 45"), or with --list MODULE one line per declaration (kind, path, file).
#
# Counted: every symbol of the module's symbol graph whose access level is public (or open):
# types, functions, initializers, properties, enum cases, subscripts, typealiases and protocol
# requirements, members included, and the members the compiler writes for a public conformance
# (`init(from:)` of Codable, `init(rawValue:)` of a raw-value enum), because they are public API
# too. Not counted: extension blocks themselves, and members a type only inherits (default
# implementations, superclass members: --skip-synthesized-members).
#
# A cross-check that needs no build: --grep prints, next to each count, how many lines of the
# module's sources declare something `public` (it misses enum cases, which carry no `public` of
# their own, and synthesized members).
#
# With --max N it exits 1 when a module declares more than N (the libraries' budget is 50).
#
# Usage: scripts/public-api.sh [--grep] [--max N] [--list MODULE] [MODULE...]   (default: every library)
set -euo pipefail
cd "$(dirname "$0")/.."

list=""
grep_check=false
max=""
modules=()
while [ $# -gt 0 ]; do
    case "$1" in
        --list) list="${2:?--list needs a module}"; shift 2 ;;
        --grep) grep_check=true; shift ;;
        --max) max="${2:?--max needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) modules+=("$1"); shift ;;
    esac
done
[ ${#modules[@]} -gt 0 ] || modules=(Reactor Inspector ManholeWire ManholeClient Manhole)
[ -z "$list" ] || modules=("$list")

# Builds the package if needed and writes .build/<triple>/symbolgraph/<Module>.symbols.json
# (and <Module>@<Other>.symbols.json for extensions of other modules' types).
dump=$(swift package dump-symbol-graph --skip-synthesized-members --omit-extension-block-symbols 2>&1) || {
    echo "$dump" | grep -E "error" >&2
    exit 1
}
graphs=$(echo "$dump" | sed -n 's/^Files written to //p' | tail -1)
[ -d "$graphs" ] || { echo "dump-symbol-graph did not say where it wrote the graphs" >&2; exit 1; }

# public_symbols MODULE: "kind<TAB>path<TAB>file" for each public symbol the module declares.
public_symbols() {
    local files=("$graphs/$1.symbols.json")
    for extra in "$graphs/$1@"*.symbols.json; do [ -e "$extra" ] && files+=("$extra"); done
    [ -e "${files[0]}" ] || { echo "no symbol graph for module $1" >&2; exit 1; }
    python3 - "${files[@]}" <<'PY' | sort -t$'\t' -k2
import json, sys
for path in sys.argv[1:]:
    for symbol in json.load(open(path))["symbols"]:
        kind = symbol["kind"]["identifier"]
        if symbol["accessLevel"] not in ("public", "open") or kind == "swift.extension":
            continue
        uri = symbol.get("location", {}).get("uri", "(synthesized)")
        print("\t".join([kind.removeprefix("swift."), ".".join(symbol["pathComponents"]), uri.rsplit("/", 1)[-1]]))
PY
}

if [ -n "$list" ]; then
    public_symbols "$list" | column -t -s$'\t'
    exit 0
fi

over=0
for module in "${modules[@]}"; do
    count=$(public_symbols "$module" | wc -l)
    line="$module $count"
    if $grep_check; then
        lines=$(grep -rhE 'public (static |final |convenience |nonisolated |mutating )*(func|var|let|init|struct|enum|class|protocol|typealias|case|subscript|actor)' \
            "Sources/$module" | wc -l)
        line="$line (grep: $lines)"
    fi
    if [ -n "$max" ] && [ "$count" -gt "$max" ]; then
        line="$line: over the budget of $max"
        over=1
    fi
    echo "$line"
done
exit $over
