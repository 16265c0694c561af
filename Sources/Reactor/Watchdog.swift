import Foundation
import Logging
import NIOConcurrencyHelpers
package import NIOCore

/// A thread of its own that notices when the reactor thread has been held by one run (a body, a
/// delayed call, a looping call) for longer than a threshold: it logs once through the reactor's
/// logger, with the run's call site and how long it has run, and again when the run returns,
/// with the whole stall; the stalls are kept (the newest 32) for the `loop` command.
///
/// It costs nothing while the loop is idle: after a second without runs it parks, and the next
/// run wakes it (one atomic load per run while it is awake, one wake-up when it parked). While
/// the loop is in use it looks every half threshold.
package final class Watchdog: Sendable {
    /// One stall: what held the loop, from when, for how long (`nil` while it lasts).
    package struct Stall: Sendable, Hashable {
        /// What held the loop.
        package var run: LoopActivity.Run
        /// How long it held it; `nil` while it still does.
        package var duration: Duration?
    }

    /// How many stalls are kept.
    package static let historyCapacity = 32

    private struct State: Sendable {
        var stopped = false
        var parked = false
        var stalls = RecentHistory<Stall>(capacity: Watchdog.historyCapacity)
        var wakeUps = 0
    }

    /// A run longer than this is a stall.
    package let threshold: TimeAmount
    private let activity: LoopActivity
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    /// Starts the watchdog's thread.
    init(activity: LoopActivity, threshold: TimeAmount, logger: Logger) {
        self.activity = activity
        self.threshold = threshold
        self.logger = logger
        Thread.detachNewThread { [self] in watch() }
    }

    /// The stalls seen lately, the newest first (one still going has no duration yet).
    package var stalls: [Stall] { state.withLockedValue { $0.stalls.newestFirst } }

    /// How often the thread has woken from parking (for tests of the idle cost).
    package var wakeUpsFromParking: Int { state.withLockedValue { $0.wakeUps } }

    /// Ends the thread.
    func stop() {
        state.withLockedValue { $0.stopped = true }
        activity.bell.ring()
    }

    private func watch() {
        // Linux keeps 15 bytes of a thread name; a longer one is refused, not cut.
        setCurrentThreadName("manhole-watch")
        var stalled: LoopActivity.Run?
        var lastSeen = NIODeadline.now()
        let interval = max(TimeAmount.milliseconds(1), TimeAmount.nanoseconds(threshold.nanoseconds / 2))
        while !state.withLockedValue({ $0.stopped }) {
            let now = NIODeadline.now()
            let current = activity.current
            if current != nil { lastSeen = now }
            if let held = stalled, current != held {
                recovered(held, at: now)
                stalled = nil
            }
            if stalled == nil, let current, now - current.startedAt >= threshold {
                stalled = current
                began(current, at: now)
            }
            if stalled == nil, current == nil, now - lastSeen >= .seconds(1) {
                activity.bell.park { activity.current != nil || state.withLockedValue { $0.stopped } }
                state.withLockedValue { $0.wakeUps += 1 }
                lastSeen = .now()
            } else {
                activity.bell.sleep(seconds: Double(interval.nanoseconds) / 1e9)
            }
        }
    }

    private func began(_ run: LoopActivity.Run, at now: NIODeadline) {
        state.withLockedValue { $0.stalls.append(Stall(run: run, duration: nil)) }
        logger.warning(
            "reactor stalled",
            metadata: [
                "callSite": "\(run.callSite)", "kind": "\(run.kind.rawValue)",
                "runningFor": "\(Duration(now - run.startedAt))",
                "threshold": "\(Duration(threshold))",
            ])
    }

    private func recovered(_ run: LoopActivity.Run, at now: NIODeadline) {
        // The run's own duration, from the slow history, when it is there (it is, unless 32
        // slow runs came after it within half a threshold); otherwise what the watchdog saw.
        let measured = activity.recentSlowRuns.first { $0.startedAt == run.startedAt && $0.callSite == run.callSite }?.duration
        let total = measured ?? Duration(now - run.startedAt)
        state.withLockedValue { $0.stalls.updateNewest(where: { $0.run == run }) { $0.duration = total } }
        logger.notice(
            "reactor recovered",
            metadata: ["callSite": "\(run.callSite)", "kind": "\(run.kind.rawValue)", "stalledFor": "\(total)"])
    }
}
