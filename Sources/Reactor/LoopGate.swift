import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The only door to the reactor's event loop: it hands work to the loop while the reactor runs,
/// and refuses it, without ever touching a shut-down loop, once the reactor has stopped.
///
/// Submission is lock-free: a submitter announces itself in `submitting`, checks `stopped`, and
/// leaves; ``close()`` sets `stopped` and then waits for announced submitters to leave, so no
/// work reaches the loop after `close()` returns.
final class LoopGate: Sendable {
    let eventLoop: any EventLoop
    private let stopped = Atomic<Bool>(false)
    private let submitting = Atomic<Int>(0)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Whether ``close()`` has been called.
    var isClosed: Bool { stopped.load(ordering: .sequentiallyConsistent) }

    /// Runs `work` on the loop; returns `false` (and drops `work`) once the gate is closed.
    @discardableResult
    func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        submitting.add(1, ordering: .sequentiallyConsistent)
        defer { submitting.subtract(1, ordering: .sequentiallyConsistent) }
        guard !stopped.load(ordering: .sequentiallyConsistent) else { return false }
        eventLoop.execute(work)
        return true
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
}
