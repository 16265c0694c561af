import Inspector
import NIOCore
import Reactor

/// `loop`: what the reactor thread is doing, and what held it lately. The first look during an
/// incident ("the service stopped answering: what is the loop doing?").
enum LoopView {
    /// What runs now (its call site, kind and for how long), how busy the loop was over about the
    /// last 1, 10 and 60 seconds and how long its ticks took, as a record. Tick figures exist only
    /// for a loop the Reactor created; for an attached loop the record says so. Safe from any thread.
    static func status(of reactor: Reactor, at now: NIODeadline = .now()) -> Table {
        let running = reactor.activity.current
        var fields = [
            Table.Field("running", key: "running", .text(running.map { "\($0.callSite)" } ?? "nothing")),
            Table.Field("running kind", key: "runningKind", .text(running?.kind.rawValue)),
            Table.Field("running for", key: "runningSeconds", running.map { .duration(Duration(max(.zero, now - $0.startedAt))) } ?? .missing),
            Table.Field("slow runs kept", key: "slowRuns", .number(reactor.activity.recentSlowRuns.count)),
        ]
        guard let ticks = reactor.tickStatistics?.snapshot(at: now) else {
            return Table(fields: fields, note: "no tick figures: the host's own event loop (noSetup) reports none")
        }
        fields += [
            Table.Field("busy last 1s", key: "busyShareLast1s", .share(ticks.busyShare.last1s)),
            Table.Field("busy last 10s", key: "busyShareLast10s", .share(ticks.busyShare.last10s)),
            Table.Field("busy last 60s", key: "busyShareLast60s", .share(ticks.busyShare.last60s)),
            Table.Field("tick p50", key: "tickP50Seconds", .duration(ticks.tickP50)),
            Table.Field("tick p99", key: "tickP99Seconds", .duration(ticks.tickP99)),
            Table.Field("tick max", key: "tickMaxSeconds", .duration(ticks.tickMax)),
            Table.Field("ticks measured", key: "ticks", .number(ticks.ticks)),
        ]
        return Table(fields: fields)
    }

    /// The recent runs (bodies, delayed calls, looping calls) that held the loop for 1 ms or
    /// more, the newest first, as a listing.
    static func slowRuns(of reactor: Reactor, at now: NIODeadline = .now()) -> Table {
        let runs = reactor.activity.recentSlowRuns
        return Table(
            columns: runColumns, rows: runs.map { row(for: $0, duration: $0.duration.map(Cell.duration) ?? .missing, at: now) },
            note: runs.isEmpty ? "no run has held the loop for 1ms or more lately" : nil)
    }

    /// The stalls the reactor's watchdog saw (runs past its threshold), the newest first; one
    /// still going has no duration yet.
    static func stalls(of reactor: Reactor, at now: NIODeadline = .now()) -> Table {
        guard let watchdog = reactor.watchdog else {
            return Table(columns: [], rows: [], note: "no watchdog: the reactor was configured without one")
        }
        let stalls = watchdog.stalls
        let rows = stalls.map { row(for: $0.run, duration: $0.duration.map(Cell.duration) ?? .text("still running"), at: now) }
        let threshold = DurationFormat.string(Duration(watchdog.threshold))
        return Table(columns: runColumns, rows: rows, note: stalls.isEmpty ? "no run has held the loop past \(threshold)" : nil)
    }

    /// The columns of the listings of runs (`loop --slow`, `loop --stalls`).
    private static let runColumns = [
        Table.Column("kind"), Table.Column("callSite"), Table.Column("durationSeconds", heading: "DURATION"),
        Table.Column("startedSecondsAgo", heading: "STARTED AGO"),
    ]

    /// One run as a row of those listings.
    private static func row(for run: LoopActivity.Run, duration: Cell, at now: NIODeadline) -> [Cell] {
        [.text(run.kind.rawValue), .text("\(run.callSite)"), duration, .duration(Duration(max(.zero, now - run.startedAt)))]
    }
}
