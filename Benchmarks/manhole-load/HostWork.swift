import Foundation
import NIOConcurrencyHelpers
import Reactor

/// The host's own blocking work, the thing a manhole must not slow down: jobs of CPU work on
/// the main thread, each reported to the reactor with `waitFor`, as a blocking service would.
struct HostWork {
    let reactor: Reactor
    let counter = JobCounter()
    /// Iterations of arithmetic per job (about half a millisecond in release).
    var iterations = 250_000

    /// Runs jobs until `stop` is set or the reactor stops.
    func run(until stop: StopFlag) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let counter = self.counter
        while !stop.isSet {
            for _ in 0..<iterations {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
            }
            let result = state
            do {
                try reactor.waitFor(timeout: .seconds(5)) { counter.record(result) }
            } catch {
                if reactor.isStopped { return }
            }
        }
    }
}

/// Jobs done so far; recorded on the reactor thread, read from any thread.
final class JobCounter: Sendable, CustomStringConvertible {
    private let state = NIOLockedValueBox((count: 0, last: UInt64(0)))

    /// Counts one job and keeps its result (so the work cannot be optimised away).
    func record(_ result: UInt64) {
        state.withLockedValue { $0 = ($0.count + 1, result) }
    }

    /// Jobs done.
    var count: Int { state.withLockedValue { $0.count } }

    var description: String { "\(count) jobs" }
}

/// A one-way flag a thread can wait on.
final class StopFlag: Sendable {
    private let condition = ConditionLock(value: false)

    /// Sets the flag and wakes every waiter.
    func set() {
        condition.lock()
        condition.unlock(withValue: true)
    }

    /// Whether the flag is set.
    var isSet: Bool { condition.value }

    /// Blocks until the flag is set.
    func wait() {
        condition.lock(whenValue: true)
        condition.unlock()
    }
}
