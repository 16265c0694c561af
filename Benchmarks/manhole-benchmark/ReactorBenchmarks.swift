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
            for (name, samples) in [
                ("mutex/condvar hand-off (floor)", floorSamples),
                ("eventLoop.submit {}.wait()", submitSamples),
                ("reactor.waitFor { }", waitForSamples),
            ] {
                print(pad("\(threads)        \(name)", 44)
                    + padLeft("\(samples.median)", 10) + padLeft("\(samples.p99)", 10)
                    + padLeft(String(format: "%.0f", samples.perSecond), 12)
                    + padLeft(formatRatio(samples.median, floorSamples.median), 14)
                    + padLeft(formatRatio(samples.median, submitSamples.median), 11))
            }
        }
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
