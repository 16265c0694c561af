import NIOConcurrencyHelpers
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only door to the reactor's event loop: it hands work to the loop while the reactor runs,
/// and refuses it, without ever touching a shut-down loop, once the reactor has stopped.
///
/// Work goes through a queue of the gate's own, drained on the loop by one task at a time. After
/// the drain empties the queue it keeps polling it for a short, adaptive time before giving the
/// loop back: a blocking caller that calls again within that time (the common pattern: a thread
/// making call after call) is served without waking the loop from `epoll_wait`, which costs a
/// thread wake from idle (tens of microseconds on a small VM). The poll follows a ``SpinPolicy``:
/// bounded, yielding, and switched off while it catches nothing, so an idle or slowly used
/// reactor does not spin.
///
/// Submission is lock-light: a submitter announces itself in `submitting`, checks `stopped`, and
/// appends under a short lock; ``close()`` sets `stopped` and then waits for announced submitters
/// to leave, so no work reaches the loop after `close()` returns.
final class LoopGate: Sendable {
    let eventLoop: any EventLoop
    /// What the loop is running through this gate (bodies and timers), for operators.
    let activity: LoopActivity
    private let stopped = Atomic<Bool>(false)
    private let submitting = Atomic<Int>(0)
    private let queued = Atomic<Int>(0)
    private let queue = NIOLockedValueBox(Queue())
    /// How long the drain keeps polling an empty queue; it counts the time it polls, which is
    /// the loop's thread waiting, not working.
    private let pollPolicy = SpinPolicy(countsTime: true)
    /// Whether the loop still runs: false once a stop is about to shut down a loop the reactor
    /// owns (never for a host's loop). Read and written under its lock, so that work handed to the
    /// loop after the gate closed is either queued before the shutdown or told it cannot be.
    private let loopRuns = NIOLockedValueBox(true)

    private struct Queue: Sendable {
        var work: [@Sendable () -> Void] = []
        var drainScheduled = false
    }

    init(eventLoop: any EventLoop, activity: LoopActivity) {
        self.eventLoop = eventLoop
        self.activity = activity
    }

    /// How many calls were handed to the gate and not yet taken up by the loop (a batch being run
    /// counts as taken up): what waits behind the work running now.
    var queuedCount: Int { queued.load(ordering: .relaxed) }

    /// The nanoseconds the loop's thread has spent polling for the next call: CPU time it used
    /// without working, which a reader of the process's CPU time takes out of the host's.
    var pollNanoseconds: Int { pollPolicy.spunNanoseconds }

    /// Whether ``close()`` has been called.
    var isClosed: Bool { stopped.load(ordering: .sequentiallyConsistent) }

    /// Runs `work` on the loop, after work submitted before it; returns `false` (and drops
    /// `work`) once the gate is closed.
    @discardableResult
    func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        submitting.add(1, ordering: .sequentiallyConsistent)
        defer { submitting.subtract(1, ordering: .sequentiallyConsistent) }
        guard !stopped.load(ordering: .sequentiallyConsistent) else { return false }
        let mustSchedule = queue.withLockedValue { queue in
            queue.work.append(work)
            defer { queue.drainScheduled = true }
            return !queue.drainScheduled
        }
        queued.add(1, ordering: .releasing)
        if mustSchedule { eventLoop.execute { self.drain() } }
        return true
    }

    /// Runs `work` on the loop although the gate may be closed, as long as the loop runs: for what
    /// must still happen there once a stop has begun (a canceller whose result was cancelled just
    /// before the stop saw it, the jobs of an `async` body already started). The stop's own work
    /// on the loop is queued before the loop ends, so this work runs there too. Returns `false`
    /// once the loop has ended (or is about to), and drops nothing: the caller runs it elsewhere.
    func executeWhileLoopRuns(_ work: @escaping @Sendable () -> Void) -> Bool {
        if execute(work) { return true }
        return loopRuns.withLockedValue { runs in
            if runs { eventLoop.execute(work) }
            return runs
        }
    }

    /// Called by a stop before it shuts down the loop it owns: from now on
    /// ``executeWhileLoopRuns(_:)`` refuses.
    func loopWillEnd() {
        loopRuns.withLockedValue { $0 = false }
    }

    /// Schedules `work` at `deadline`; returns `nil` once the gate is closed.
    func schedule(at deadline: NIODeadline, _ work: @escaping @Sendable () -> Void) -> Scheduled<Void>? {
        submitting.add(1, ordering: .sequentiallyConsistent)
        defer { submitting.subtract(1, ordering: .sequentiallyConsistent) }
        guard !stopped.load(ordering: .sequentiallyConsistent) else { return nil }
        return eventLoop.scheduleTask(deadline: deadline, work)
    }

    /// Closes the gate; returns `false` if it was already closed.
    func close() -> Bool {
        guard stopped.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            return false
        }
        while submitting.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
        return true
    }

    /// Runs queued work on the loop until the queue stays empty for the poll budget.
    private func drain() {
        while true {
            let batch = queue.withLockedValue { queue in
                defer { queue.work.removeAll(keepingCapacity: true) }
                return queue.work
            }
            if !batch.isEmpty {
                queued.subtract(batch.count, ordering: .relaxed)
                for work in batch { work() }
                continue
            }
            if pollPolicy.spin(until: { queued.load(ordering: .acquiring) > 0 || stopped.load(ordering: .relaxed) }),
                !stopped.load(ordering: .relaxed)
            {
                continue
            }
            let finished = queue.withLockedValue { queue in
                guard queue.work.isEmpty else { return false }
                queue.drainScheduled = false
                return true
            }
            if finished { return }
        }
    }
}
