import NIOCore

/// Per call site, the runs that held the loop past the slow-callback threshold: a bounded table
/// (``capacity`` call sites; the one whose last slow run is oldest goes first), so a host with
/// many slow call sites cannot grow it. Kept under ``LoopActivity``'s lock and written only for
/// slow runs, so it costs the common run nothing.
struct SlowCallSites: Sendable {
    /// How many call sites are kept.
    static let capacity = 64

    private var entries: [CallSite: SlowCallSite] = [:]

    /// Counts one slow run of `run.kind` from `run.callSite` that took `duration` and ended at `end`.
    mutating func record(_ run: LoopActivity.Run, duration: Duration, endedAt end: NIODeadline) {
        if var entry = entries[run.callSite] {
            entry.count += 1
            entry.worst = max(entry.worst, duration)
            entry.last = duration
            entry.lastAt = end
            entry.kind = run.kind
            entries[run.callSite] = entry
            return
        }
        if entries.count >= Self.capacity, let stalest = entries.values.min(by: { $0.lastAt < $1.lastAt }) {
            entries[stalest.callSite] = nil
        }
        entries[run.callSite] = SlowCallSite(
            callSite: run.callSite, kind: run.kind, count: 1, worst: duration, last: duration, lastAt: end)
    }

    /// The call sites, the most recently slow first.
    var newestFirst: [SlowCallSite] { entries.values.sorted { $0.lastAt > $1.lastAt } }
}
