import NIOCore
import Reactor

/// `timers`: the reactor's live timers.
enum TimersView {
    /// The live timers as a table, oldest first: id, name, kind, due in (negative when late),
    /// interval, runs, last error and call site.
    ///
    /// A snapshot taken under the timer registry's lock; safe from any thread, the reactor thread
    /// included, and costs the rows shown.
    /// - Parameters:
    ///   - limit: The most rows; a note says how many were left out.
    ///   - now: The time "due in" is measured from.
    static func table(of reactor: Reactor, limit: Int = 100, at now: NIODeadline = .now()) -> Table {
        let timers = reactor.timers(limit: max(0, limit))
        let total = reactor.timerCount
        let rows = timers.map { timer -> [Cell] in
            [
                .number(timer.id), .text(timer.name), .text(timer.kind.rawValue), .duration(timer.dueIn(at: now)),
                timer.interval.map(Cell.duration) ?? .missing, .number(timer.runCount), .text(timer.lastError),
                .text(timer.callSite.description),
            ]
        }
        let note: String? =
            if timers.isEmpty { "no timers" } else if total > timers.count { "showing \(timers.count) of \(total) timers" } else { nil }
        let columns = ["id", "name", "kind", "dueInSeconds", "intervalSeconds", "runs", "lastError", "callSite"]
        return Table(columns: columns.map { Table.Column($0) }, rows: rows, note: note)
    }
}
