import BenchmarkSupport
import NIOConcurrencyHelpers
import Foundation
import NIOCore
import NIOPosix
import Reactor
import Synchronization

/// Round-trip latency of a blocking call into the reactor, beside its baselines.
enum ReactorBenchmarks {
    struct Row {
        var name: String
        var threads: Int
        var samples: Samples
    }

    /// Runs `call` `perThread` times on each of `threads` threads at once.
    static func measure(threads: Int, perThread: Int, warmup: Int, _ call: @escaping @Sendable (Int) -> Void) -> Samples {
        let collected = NIOLockedValueBox(Samples(capacity: threads * perThread))
        let ready = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for client in 0..<threads {
            ready.enter()
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<warmup { call(client) }
                var local = Samples(capacity: perThread)
                ready.leave()
                go.wait()
                for _ in 0..<perThread {
                    let start = now()
                    call(client)
                    local.append(now() - start)
                }
                collected.withLockedValue { $0.append(contentsOf: local) }
                done.leave()
            }
        }
        ready.wait()
        let start = now()
        for _ in 0..<threads { go.signal() }
        done.wait()
        var samples = collected.withLockedValue { $0 }
        samples.wallNanoseconds = now() - start
        return samples
    }

    static func run(perThread: Int, loaded: Bool) {
        let busy = loaded ? BusyThread() : nil
        defer { busy?.stop() }
        print("\n## Blocking round trip, \(loaded ? "loaded (one busy-spinning thread)" : "idle machine") — \(perThread) calls per thread")
        let reactor = Reactor()
        defer { reactor.stop() }
        // The same reactor without recording what its thread runs (LoopActivity): the baseline
        // for the bookkeeping's cost.
        var unrecorded = Reactor.Configuration()
        unrecorded.recordsActivity = false
        let bare = Reactor(configuration: unrecorded)
        defer { bare.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let floor = ConditionPingPong()
        defer { floor.stop() }

        print(pad("threads  call", 44) + padLeft("p50 ns", 10) + padLeft("p99 ns", 10) + padLeft("calls/s", 12)
            + padLeft("p50 vs floor", 14) + padLeft("vs submit", 11))
        for threads in [1, 2, 4] {
            let warmup = min(2_000, perThread / 5)
            let floorSamples = measure(threads: threads, perThread: perThread, warmup: warmup) { floor.call(client: $0) }
            let submitSamples = measure(threads: threads, perThread: perThread, warmup: warmup) { _ in
                try! loop.submit {}.wait()
            }
            let waitForSamples = measure(threads: threads, perThread: perThread, warmup: warmup) { _ in
                _ = try! reactor.waitFor(timeout: .seconds(10)) { 1 }
            }
            let bareSamples = measure(threads: threads, perThread: perThread, warmup: warmup) { _ in
                _ = try! bare.waitFor(timeout: .seconds(10)) { 1 }
            }
            for (name, samples) in [
                ("mutex/condvar hand-off (floor)", floorSamples),
                ("eventLoop.submit {}.wait()", submitSamples),
                ("reactor.waitFor { }", waitForSamples),
                ("reactor.waitFor { }, activity not recorded", bareSamples),
            ] {
                print(pad("\(threads)        \(name)", 44)
                    + padLeft("\(samples.median)", 10) + padLeft("\(samples.p99)", 10)
                    + padLeft(String(format: "%.0f", samples.perSecond), 12)
                    + padLeft(formatRatio(samples.median, floorSamples.median), 14)
                    + padLeft(formatRatio(samples.median, submitSamples.median), 11))
            }
        }
        print("recording what the reactor thread runs: \(activityCost()) ns per runInReactor body or timer run"
            + " (LoopActivity.run on the calling thread, median of 5 × 1,000,000); of which two clock reads"
            + " \(clockReadsCost()) ns and one uncontended lock round trip \(lockCost()) ns")
    }

    /// What `LoopActivity.run` adds to one run: two clock reads, one uncontended lock round trip
    /// and one atomic store of the run's generation, timed in a tight loop on this thread.
    static func activityCost() -> Int {
        let activity = LoopActivity()
        let site = CallSite()
        return medianOfFive { index in _ = activity.run(site, .body) { index } }
    }

    /// Two `NIODeadline.now()` reads, the clock reads a run makes (the bulk of its cost).
    static func clockReadsCost() -> Int {
        medianOfFive { _ in
            let start = NIODeadline.now()
            blackHole(NIODeadline.now() - start)
        }
    }

    /// One uncontended `NIOLockedValueBox` round trip, the lock a run takes to publish itself.
    static func lockCost() -> Int {
        let box = NIOLockedValueBox(0)
        return medianOfFive { index in box.withLockedValue { $0 = index } }
    }

    /// The median, over five runs of 1,000,000 calls of `body`, of the nanoseconds per call.
    static func medianOfFive(_ body: (Int) -> Void) -> Int {
        var costs: [Int] = []
        for _ in 0..<5 {
            let start = now()
            for index in 0..<1_000_000 { body(index) }
            costs.append((now() - start) / 1_000_000)
        }
        return costs.sorted()[2]
    }
}

/// A thread that spins until stopped, to measure on a loaded machine.
final class BusyThread: Sendable {
    private let running = Atomic<Bool>(true)

    init() {
        Thread.detachNewThread { [self] in
            var x = 0
            while running.load(ordering: .relaxed) { x &+= 1 }
            _ = x
        }
    }

    func stop() { running.store(false, ordering: .relaxed) }
}

/// Keeps the optimizer from dropping a value a benchmark computes only to time it.
@inline(never)
private func blackHole<T>(_ value: T) {}
