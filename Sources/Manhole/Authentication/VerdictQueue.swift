import NIOCore

/// The connections of one source waiting for their login verdict, in the order they asked.
///
/// A source with failures on record receives at most one verdict per throttle delay (see
/// ``LoginThrottle``); proofs that arrive meanwhile wait here and are judged in turn. Each
/// connection waits for one verdict at a time (it reads no further line meanwhile), so a queue
/// holds at most one entry per pending connection: the pending-login limit bounds it.
struct VerdictQueue: Sendable {
    /// One connection waiting: `deliver` judges its proof and answers, on the event loop, or does
    /// nothing if the connection has gone meanwhile (then the next one is served at once).
    struct Waiter: Sendable {
        var id: Int
        var deliver: @Sendable () -> Void
    }

    private var waiters: [Waiter] = []
    private var head = 0
    /// Whether a wake-up that serves the head is scheduled.
    var wakeScheduled = false

    /// Whether nobody waits.
    var isEmpty: Bool { head >= waiters.count }

    /// How many connections wait.
    var count: Int { waiters.count - head }

    mutating func append(_ waiter: Waiter) { waiters.append(waiter) }

    /// Takes the connection that waited longest.
    mutating func popFirst() -> Waiter? {
        guard head < waiters.count else { return nil }
        let first = waiters[head]
        head += 1
        if head == waiters.count {
            waiters.removeAll(keepingCapacity: true)
            head = 0
        }
        return first
    }

    /// Takes connection `id` out of the queue (it closed).
    mutating func remove(id: Int) {
        guard let position = waiters[head...].firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: position)
        if head == waiters.count {
            waiters.removeAll(keepingCapacity: true)
            head = 0
        }
    }
}

/// One login verdict, as the server recorded it (``ServerState/recentVerdicts``).
struct VerdictRecord: Sendable {
    /// Who received it.
    var source: LoginSource
    /// When.
    var at: NIODeadline
    /// The failures the source had on record when it was given (before counting it).
    var failuresBefore: Int
    /// Whether it was a welcome.
    var welcome: Bool
}
