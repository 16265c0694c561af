"""Measures Crochet's `wait_for`: a blocking call from ordinary threads into the Twisted reactor
that Crochet runs on its own thread, beside which compare.sh prints our `Reactor.waitFor`. The
function returns a constant, so what is timed is the hand-off there and back; from 1 and 4
threads, with method.py's method (each thread 200 warm-up, then 3 runs of 2,000 calls).
"""

from crochet import setup, wait_for

from method import measure, print_row


@wait_for(timeout=10.0)
def constant():
    """Runs in the reactor thread; the caller blocks until it returns."""
    return 1


def call(_):
    if constant() != 1:
        raise SystemExit("crochet's wait_for returned something other than the function's value")


def main():
    setup()
    for threads in (1, 4):
        print_row(f"Crochet wait_for, {threads} thread{'s' if threads > 1 else ''}", measure(call, threads=threads))


if __name__ == "__main__":
    main()
