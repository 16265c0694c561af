import NIOCore
import Reactor

/// `reactor`: the reactor's and the manhole's state.
enum ReactorView {
    /// How long the reactor and the manhole have been running (not "uptime": that is the
    /// process's, in `stats`), whether the reactor has stopped, its live timers and tracked
    /// results, and the sessions logged in and logging in, as a record. Safe from any thread.
    /// - Parameters:
    ///   - sessions: The manhole's sessions now.
    ///   - manholeStartedAt: When the manhole started listening.
    ///   - now: The time the running times are measured at.
    static func table(
        of reactor: Reactor, sessions: [SessionInfo], manholeStartedAt: NIODeadline, at now: NIODeadline = .now()
    ) -> Table {
        let counts = reactor.resultCounts
        let loggedIn = sessions.filter { $0.user != nil }.count
        return Table(fields: [
            Table.Field("reactor running for", key: "reactorRunningSeconds", .duration(Duration(now - reactor.startedAt))),
            Table.Field("stopped", key: "stopped", .flag(reactor.isStopped)),
            Table.Field("live timers", key: "liveTimers", .number(reactor.timerCount)),
            Table.Field("tracked results", key: "trackedResults", .number(counts.tracked)),
            Table.Field("stashed results", key: "stashedResults", .number(counts.stashed)),
            Table.Field("sessions logged in", key: "sessionsLoggedIn", .number(loggedIn)),
            Table.Field("sessions logging in", key: "sessionsLoggingIn", .number(sessions.count - loggedIn)),
            Table.Field("manhole running for", key: "manholeRunningSeconds", .duration(Duration(now - manholeStartedAt))),
        ])
    }
}
