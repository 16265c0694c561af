import Inspector
import NIOCore
import Reactor

/// `loop`: what the reactor thread is doing, and what held it lately. The first look during an
/// incident ("the service stopped answering: what is the loop doing?").
enum LoopView {
    /// What runs now (its call site, kind and for how long), how many calls wait behind it, how
    /// busy the loop was over about the
    /// last 1, 10 and 60 seconds and how long its ticks took, as a record. Tick figures exist only
    /// for a loop the Reactor created; for an attached loop the record says so. Safe from any thread.
    static func status(of reactor: Reactor, at now: NIODeadline = .now()) -> Table {
        let running = reactor.activity.current
        var fields = [
            Table.Field("running", key: "running", .text(running.map { "\($0.callSite)" } ?? "nothing")),
            Table.Field("running kind", key: "runningKind", .text(running?.kind.rawValue)),
            Table.Field("running for", key: "runningSeconds", running.map { .duration(Duration(max(.zero, now - $0.startedAt))) } ?? .missing),
            Table.Field("queued", key: "queued", .number(reactor.queuedWork)),
            Table.Field("slow runs kept", key: "slowRuns", .number(reactor.activity.recentSlowRuns.count)),
            Table.Field("warnings", key: "warnings", .number(reactor.loopWarnings(at: now).count)),
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

    /// The loop's warnings in the manner of tokio-console's lints (call sites whose runs held the
    /// loop too long, looping calls that overran their interval, results nobody waits on or
    /// retrieves), the newest first, then the most severe, as a listing.
    static func warnings(of reactor: Reactor, at now: NIODeadline = .now()) -> Table {
        let warnings = reactor.loopWarnings(at: now)
        let thresholds = reactor.lintThresholds
        let note = """
            no warnings: no run held the loop over \(DurationFormat.string(thresholds.slowCallback)), \
            no looping call overran its interval, no result went unwaited or unretrieved for \
            \(DurationFormat.string(thresholds.forgottenResult))
            """
        return Table(
            columns: warningColumns, rows: warnings.map { row(for: $0, thresholds: thresholds, at: now) },
            note: warnings.isEmpty ? note : nil)
    }

    /// The columns of `loop --warnings`; the call site is in the subject's text, and a column of
    /// its own in JSON.
    private static let warningColumns = [
        Table.Column("kind"), Table.Column("subject"), Table.Column("callSite", isShownInText: false),
        Table.Column("detail"), Table.Column("lastSeenSecondsAgo", heading: "LAST SEEN"),
    ]

    /// One warning as a row of `loop --warnings`.
    private static func row(for warning: LoopWarning, thresholds: LoopLintThresholds, at now: NIODeadline) -> [Cell] {
        func format(_ duration: Duration) -> String { DurationFormat.string(duration) }
        let (kind, subject, detail): (String, String, String)
        switch warning {
        case .slowCallback(let site):
            kind = "slow callback"
            subject = "\(site.callSite)"
            detail = "\(site.kind.rawValue) held the loop over \(format(thresholds.slowCallback)) \(times(site.count)); "
                + "worst \(format(site.worst)), last \(format(site.last))"
        case .overrun(let overrun):
            kind = "looping call overrun"
            subject = "timer \(overrun.timerID) \"\(overrun.name)\" at \(overrun.callSite)"
            detail = "overran its \(format(overrun.interval)) interval \(times(overrun.count)); last ran "
                + "\(format(overrun.lastRan)), started \(format(overrun.lastLateness)) late"
        case .forgottenResult(let result):
            kind = result.reason == .stashed ? "result never retrieved" : "result never waited on"
            subject = "result \(result.id) at \(result.callSite)"
            detail = "\(result.reason.rawValue) for \(format(Duration(max(.zero, now - result.since)))) (\(result.valueType))"
        }
        let lastSeen = Duration(max(.zero, now - warning.lastSeen(at: now)))
        return [.text(kind), .text(subject), .text("\(warning.callSite)"), .text(detail), .duration(lastSeen)]
    }

    /// `once`, `twice`, `N times`.
    private static func times(_ count: Int) -> String {
        switch count {
        case 1: "once"
        case 2: "twice"
        default: "\(count) times"
        }
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
