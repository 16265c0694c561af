public import NIOCore

extension Inspector {
    /// The reactor's live timers as a table, oldest first: id, name, kind, due in (negative when
    /// late), interval, runs, last error and call site.
    ///
    /// A snapshot taken under the timer registry's lock; safe from any thread, the reactor thread
    /// included, and costs the rows shown.
    /// - Parameters:
    ///   - limit: The most rows; a note says how many were left out.
    ///   - now: The time "due in" is measured from.
    public func timersTable(limit: Int = 100, at now: NIODeadline = .now()) -> Table {
        let timers = reactor.timers(limit: max(0, limit))
        let total = reactor.timerCount
        let rows = timers.map { timer in
            [
                "\(timer.id)", timer.name, timer.kind.rawValue, DurationFormat.string(timer.dueIn(at: now)),
                timer.interval.map(DurationFormat.string) ?? "-", "\(timer.runCount)", timer.lastError ?? "-",
                timer.callSite.description,
            ]
        }
        let note: String? =
            if timers.isEmpty { "no timers" } else if total > timers.count { "showing \(timers.count) of \(total) timers" } else { nil }
        return Table(
            columns: ["ID", "NAME", "KIND", "DUE IN", "INTERVAL", "RUNS", "LAST ERROR", "CALL SITE"], rows: rows, note: note)
    }
}
