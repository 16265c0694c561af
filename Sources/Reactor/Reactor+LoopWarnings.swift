package import NIOCore

extension Reactor {
    /// How many warnings ``loopWarnings(at:)`` returns at most.
    package static let loopWarningLimit = 100

    /// The thresholds this reactor's lints use (see ``LoopLintThresholds``).
    package var lintThresholds: LoopLintThresholds { configuration.lintThresholds }

    /// The loop's warnings now, in the manner of tokio-console's lints: call sites whose runs held
    /// the loop past the slow-callback threshold, live looping calls that overran their
    /// interval, results nobody waits on and stashed results nobody retrieves. The newest first,
    /// then the most severe; at most ``loopWarningLimit``. Everything it reads is bounded
    /// (64 call sites, the live looping calls, the oldest tracked results and the last 64 that
    /// finished unwaited), and it is read from any thread without the reactor thread's help.
    package func loopWarnings(at now: NIODeadline = .now()) -> [LoopWarning] {
        let slow = activity.slowCallSites.map(LoopWarning.slowCallback)
        let overruns = timerRegistry.overruns().map(LoopWarning.overrun)
        let forgotten = results.forgotten(at: now, olderThan: lintThresholds.forgottenResult)
            .map(LoopWarning.forgottenResult)
        return Array(LoopWarning.ordered(slow + overruns + forgotten, at: now).prefix(Self.loopWarningLimit))
    }
}
