import BenchmarkSupport
import Foundation
import NIOCore
import NIOPosix
import Reactor

/// What the timer and stash registries cost, beside raw SwiftNIO scheduling.
enum RegistryBenchmarks {
    static func run(count: Int) {
        print("\n## Registries — \(count) live entries")
        let reactor = Reactor()
        defer { reactor.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()

        var raw: [Scheduled<Void>] = []
        raw.reserveCapacity(count)
        let rawTime = time {
            for _ in 0..<count { raw.append(loop.scheduleTask(in: .hours(1)) {}) }
        }
        var calls: [DelayedCall] = []
        calls.reserveCapacity(count)
        let timerTime = time {
            for index in 0..<count { calls.append(reactor.callLater(.seconds(3600), name: "t\(index % 100)") {}) }
        }
        let listTimers = medianTime(runs: 101) { _ = reactor.timers(limit: 20) }
        print("timers: raw scheduleTask \(rawTime / count) ns each; callLater (registered) \(timerTime / count) ns each; "
            + "ratio \(formatRatio(timerTime, rawTime)); live \(reactor.timerCount); list first 20: \(listTimers) ns")
        let cancelTime = time { for call in calls { call.cancel() } }
        for task in raw { task.cancel() }
        print("timers: cancel \(cancelTime / count) ns each; live after \(reactor.timerCount)")

        var results: [EventualResult<Int>] = []
        results.reserveCapacity(count)
        let rawPromises = time {
            for _ in 0..<count { loop.makePromise(of: Int.self).succeed(1) }
        }
        let stashTime = time {
            for index in 0..<count {
                let result = reactor.runInReactor { index }
                _ = result.stash()
                results.append(result)
            }
        }
        _ = try? results.last?.wait(timeout: .seconds(60))
        let listStash = medianTime(runs: 101) { _ = reactor.stashedResults(limit: 20) }
        print("stash: runInReactor + stash \(stashTime / count) ns each (a bare promise: \(rawPromises / count) ns); "
            + "stashed \(reactor.resultCounts.stashed); list first 20: \(listStash) ns")
        let retrieveTime = time {
            for result in results { _ = try? reactor.retrieveResult(result.id, as: Int.self) }
        }
        print("stash: retrieve \(retrieveTime / count) ns each; stashed after \(reactor.resultCounts.stashed)")
    }
}
