"""Prints compare.sh's one table from the rows every measuring program printed, with each peer's
ratios to our matching row, and exits non-zero, naming them, if any expected row is missing.

Reads Markdown rows `| system | p50 µs | p99 µs | commands/s |` from stdin; other lines are
ignored. Ratios are peer / ours: above 1 for p50 and p99 means the peer is slower, above 1 for
commands/s means the peer answers more per second.
"""

import sys

INSPECT = "ours (TCP, logged in): inspect config.retry.attempts"
WHOAMI = "ours (TCP, logged in): whoami"
SSH_WHOAMI = "ours (SSH, pty, password login): whoami"
WAIT_1 = "ours Reactor.waitFor, 1 thread"
WAIT_4 = "ours Reactor.waitFor, 4 threads"

# Every row the table must have, in its order, with the row of ours each one is compared with.
# The names are the ones printed by PeerComparison.swift (ours) and the scripts beside this one.
EXPECTED = [
    (INSPECT, None),
    (WHOAMI, None),
    ("python-manhole 1.8 (unix socket, no auth): len(app.items)", INSPECT),
    ("Twisted Conch manhole (telnet, no auth): len(app.items)", INSPECT),
    (SSH_WHOAMI, None),
    ("Twisted Conch manhole (SSH, pty, password login): len(app.items)", SSH_WHOAMI),
    (WAIT_1, None),
    ("Crochet wait_for, 1 thread", WAIT_1),
    (WAIT_4, None),
    ("Crochet wait_for, 4 threads", WAIT_4),
]


def parse(lines):
    """The rows found, by system: (p50 µs, p99 µs, commands/s)."""
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or len(cells) != 4:
            continue
        try:
            rows[cells[0]] = tuple(float(cell) for cell in cells[1:])
        except ValueError:
            continue  # a header or separator row
    return rows


def ratio(peer, ours):
    return f"{peer / ours:.2f}×" if ours > 0 else "n/a"


def main():
    rows = parse(sys.stdin)
    print("| system | p50 µs | p99 µs | commands/s | p50 peer/ours | p99 peer/ours | commands/s peer/ours |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for system, baseline in EXPECTED:
        if system not in rows:
            print(f"| {system} | not measured | | | | | |")
            continue
        p50, p99, rate = rows[system]
        ratios = ["(ours)"] * 3 if baseline is None else ["no baseline"] * 3
        if baseline in rows:
            base = rows[baseline]
            ratios = [ratio(p50, base[0]), ratio(p99, base[1]), ratio(rate, base[2])]
        print(f"| {system} | {p50:.1f} | {p99:.1f} | {rate:,.0f} | " + " | ".join(ratios) + " |")
    missing = [system for system, _ in EXPECTED if system not in rows]
    if missing:
        print("\nNot measured: " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
