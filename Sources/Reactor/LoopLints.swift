package import NIOCore

/// The thresholds of the loop's lints (tokio-console style warnings, the `loop --warnings`
/// listing). Package constants; tests lower them through ``Reactor/Configuration/lintThresholds``
/// so that a warning shows up within a test's time.
package struct LoopLintThresholds: Sendable, Hashable {
    /// A run (body, delayed call, looping call run) that holds the loop longer than this is a slow
    /// callback: long enough that every session, timer and socket on the loop waited for it.
    package static let slowCallback = Duration.milliseconds(10)
    /// A result nobody waits on, or a stashed one nobody retrieves, for longer than this is
    /// forgotten: by then the code that made it has usually moved on without it.
    package static let forgottenResult = Duration.seconds(60)

    /// See ``LoopLintThresholds/slowCallback``.
    package var slowCallback: Duration
    /// See ``LoopLintThresholds/forgottenResult``.
    package var forgottenResult: Duration

    /// Thresholds, the package's constants unless given.
    package init(slowCallback: Duration = Self.slowCallback, forgottenResult: Duration = Self.forgottenResult) {
        self.slowCallback = slowCallback
        self.forgottenResult = forgottenResult
    }
}

/// One warning about how the loop is used, in the manner of tokio-console's lints. Each names
/// what it is about (a call site, a timer, a result) and where that was created.
package enum LoopWarning: Sendable, Hashable {
    /// A call site whose runs held the loop past ``LoopLintThresholds/slowCallback``.
    case slowCallback(SlowCallSite)
    /// A live looping call whose runs overran its interval or fell behind it.
    case overrun(LoopingCallOverrun)
    /// A result nobody waits on, or a stashed one nobody retrieves.
    case forgottenResult(ForgottenResult)

    /// Where the subject of the warning was created or submitted.
    package var callSite: CallSite {
        switch self {
        case .slowCallback(let site): site.callSite
        case .overrun(let overrun): overrun.callSite
        case .forgottenResult(let result): result.callSite
        }
    }

    /// When the warning was last true: the last slow run or overrun; for a forgotten result,
    /// `now` (it still is).
    package func lastSeen(at now: NIODeadline) -> NIODeadline {
        switch self {
        case .slowCallback(let site): site.lastAt
        case .overrun(let overrun): overrun.lastAt
        case .forgottenResult: now
        }
    }

    /// How bad it is, to order warnings seen at the same moment: the worst run, the last
    /// overrun's excess, how long the result has been forgotten.
    package func severity(at now: NIODeadline) -> Duration {
        switch self {
        case .slowCallback(let site): site.worst
        case .overrun(let overrun): max(overrun.lastRan, overrun.lastLateness)
        case .forgottenResult(let result): Duration(now - result.since)
        }
    }

    /// `warnings` ordered for an operator: the newest first, then the most severe.
    package static func ordered(_ warnings: [LoopWarning], at now: NIODeadline) -> [LoopWarning] {
        warnings.sorted { left, right in
            let (leftSeen, rightSeen) = (left.lastSeen(at: now), right.lastSeen(at: now))
            if leftSeen != rightSeen { return leftSeen > rightSeen }
            return left.severity(at: now) > right.severity(at: now)
        }
    }
}

/// One call site's runs that held the loop past the slow-callback threshold.
package struct SlowCallSite: Sendable, Hashable {
    /// Where the work was submitted or the timer created.
    package var callSite: CallSite
    /// What kind of work the last such run was.
    package var kind: LoopActivity.Kind
    /// How many runs from here were slow (since the entry was made; see ``SlowCallSites``).
    package var count: Int
    /// The longest of them.
    package var worst: Duration
    /// How long the last one ran.
    package var last: Duration
    /// When the last one ended, on the reactor's clock.
    package var lastAt: NIODeadline
}

/// One live looping call's overruns: runs longer than its interval, or started more than an
/// interval after they were due (the call falls behind and runs are skipped).
package struct LoopingCallOverrun: Sendable, Hashable {
    /// The timer's id.
    package var timerID: Int
    /// The timer's name.
    package var name: String
    /// Where it was created.
    package var callSite: CallSite
    /// Its interval.
    package var interval: Duration
    /// How many runs overran.
    package var count: Int
    /// How long the last overrunning run took.
    package var lastRan: Duration
    /// How late after its due time the last overrunning run started.
    package var lastLateness: Duration
    /// When the last overrunning run ended, on the reactor's clock.
    package var lastAt: NIODeadline
}

/// A result that has waited too long for someone: pending or finished with nobody ever waiting
/// on it (no `wait`, `waitFor` or callback), or stashed and never retrieved.
package struct ForgottenResult: Sendable, Hashable {
    /// Why it counts as forgotten.
    package enum Reason: String, Sendable, Hashable {
        /// Still pending, and nobody has ever waited on it.
        case pendingUnwaited = "pending, never waited on"
        /// Finished, still held by the code that made it, and nobody has ever waited on it.
        case finishedUnwaited = "finished, never waited on"
        /// Stashed and not retrieved.
        case stashed = "stashed, never retrieved"
    }

    /// The result's id.
    package var id: Int
    /// Where the work was submitted.
    package var callSite: CallSite
    /// The value's type.
    package var valueType: String
    /// Why it is listed.
    package var reason: Reason
    /// Since when: its submission (pending), its end (finished) or its stashing.
    package var since: NIODeadline
}
