import Synchronization

/// Bounds the hops a timer watch has in flight from the reactor thread to the sessions' loop: a
/// looping call every millisecond with the sessions' thread held up would otherwise queue one task
/// per run without limit, before the session's own bounded queue sees any of them. Past the limit
/// a run is counted as lost instead (the next hop hands the count to the session's drop report);
/// the watch's end is never lost.
final class HopLimit: Sendable {
    /// The most hops of one watch in flight at once.
    static let limit = 64

    private let inFlight = Atomic<Int>(0)
    private let lost = Atomic<Int>(0)

    /// Whether a hop may be sent (then ``arrived()`` must be called when it runs); `force` for
    /// an event that must arrive (the watch's end).
    func admit(force: Bool) -> Bool {
        if inFlight.add(1, ordering: .relaxed).newValue <= Self.limit || force { return true }
        inFlight.subtract(1, ordering: .relaxed)
        lost.add(1, ordering: .relaxed)
        return false
    }

    /// A hop ran on the loop; returns the runs lost since the last one that arrived.
    func arrived() -> Int {
        inFlight.subtract(1, ordering: .relaxed)
        return lost.exchange(0, ordering: .relaxed)
    }
}
