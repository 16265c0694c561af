"""The one measuring method every system in scripts/compare.sh uses, so their figures compare.

One session (or N threads, each with its own caller), 200 warm-up calls, then 3 runs of 2,000
calls back to back; each run gives p50, p99 and calls per second over its wall time, and the
reported figure is the median of the 3 runs. The Swift side (PeerComparison.swift in
manhole-benchmark) does the same and prints its rows in the same form (see `print_row`).
"""

import statistics
import threading
import time

WARMUP = 200
RUNS = 3
COUNT = 2_000


def percentile(sorted_values, fraction):
    """The sample at `fraction` (0..1) of the sorted samples, as BenchmarkSupport's Samples does."""
    # Half away from zero, as Swift's `rounded()` (Python's round() would round half to even).
    index = min(len(sorted_values) - 1, int((len(sorted_values) - 1) * fraction + 0.5))
    return sorted_values[index]


def measure(call, threads=1, warmup=WARMUP, runs=RUNS, count=COUNT):
    """Times `call(thread_index)`: `warmup` untimed calls per thread, then `runs` runs of `count`
    timed calls per thread (all threads start a run together). Returns the medians of the runs'
    (p50 ns, p99 ns, calls per second)."""
    clock = time.perf_counter_ns
    for index in range(threads):
        for _ in range(warmup):
            call(index)
    figures = []
    for _ in range(runs):
        samples = [[] for _ in range(threads)]
        if threads == 1:
            # On the caller's own thread: one session's client is one thread, as on the Swift side.
            start = clock()
            timed(call, 0, count, samples[0], clock)
            wall = clock() - start
        else:
            barrier = threading.Barrier(threads + 1)

            def worker(index):
                barrier.wait()
                timed(call, index, count, samples[index], clock)

            workers = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
            for thread in workers:
                thread.start()
            barrier.wait()
            start = clock()
            for thread in workers:
                thread.join()
            wall = clock() - start
        pooled = sorted(value for local in samples for value in local)
        figures.append((percentile(pooled, 0.5), percentile(pooled, 0.99), len(pooled) / (wall / 1e9)))
    return tuple(statistics.median(figure[column] for figure in figures) for column in range(3))


def timed(call, index, count, into, clock):
    """`count` timed calls of `call(index)`, each one's nanoseconds appended to `into`."""
    for _ in range(count):
        began = clock()
        call(index)
        into.append(clock() - began)


def print_row(system, figures):
    """One result as a Markdown row, `| system | p50 µs | p99 µs | commands/s |`: the form
    compare.sh collects from every measuring program (table.py reads it back)."""
    p50, p99, per_second = figures
    print(f"| {system} | {p50 / 1000:.1f} | {p99 / 1000:.1f} | {per_second:.0f} |", flush=True)
