import NIOConcurrencyHelpers
package import NIOCore

/// What the reactor thread is running: the `runInReactor` body, delayed call or looping call in
/// progress (its call site, and since when), readable from any thread, and the recent runs that
/// held the loop for a millisecond or more. A wedged loop is wedged by one of these; an
/// operator's first question is which one, and for how long.
///
/// Only the reactor thread writes; a reader takes the lock for a copy. A run costs two clock
/// reads and two uncontended lock round trips, tens of nanoseconds beside a `waitFor` round trip
/// of about 2 µs (`manhole-benchmark --sections reactor` prints the cost beside it). Not seen:
/// the jobs of `async` bodies after their first suspension, and callbacks the host chains on
/// futures itself.
package final class LoopActivity: Sendable {
    /// What kind of work a run is.
    package enum Kind: String, Sendable, Hashable {
        /// A `runInReactor` body (for an `async` body: its start, up to its first suspension).
        case body
        /// A `callLater` callback.
        case delayedCall = "delayed call"
        /// One run of a looping call.
        case loopingCall = "looping call"
    }

    /// One run: what, from where, since when, and (once it has finished) for how long.
    package struct Run: Sendable, Hashable {
        /// Where the work was submitted or the timer created.
        package var callSite: CallSite
        /// What kind of work it is.
        package var kind: Kind
        /// When it started, on the reactor's clock.
        package var startedAt: NIODeadline
        /// How long it ran; `nil` while it runs.
        package var duration: Duration?
    }

    /// Runs at least this long are kept in ``recentSlowRuns``.
    package static let slowThreshold = TimeAmount.milliseconds(1)
    /// How many slow runs are kept; the oldest go first.
    package static let historyCapacity = 32

    private struct State: Sendable {
        var current: Run?
        var slow = RecentHistory<Run>(capacity: LoopActivity.historyCapacity)
    }

    private let state = NIOLockedValueBox(State())
    private let isRecording: Bool
    /// Wakes the ``Watchdog`` when a run starts after it parked.
    let bell = WakeBell()

    /// - Parameter isRecording: `false` turns the bookkeeping off (the benchmark's baseline).
    package init(isRecording: Bool = true) {
        self.isRecording = isRecording
    }

    /// Runs `body` as the reactor thread's current work. A run inside another (a body that fires
    /// a timer's work inline) is current until it returns; then the outer one is again.
    package func run<R>(_ callSite: CallSite, _ kind: Kind, _ body: () throws -> R) rethrows -> R {
        guard isRecording else { return try body() }
        bell.ringIfParked()
        let start = NIODeadline.now()
        let outer = state.withLockedValue { state in
            defer { state.current = Run(callSite: callSite, kind: kind, startedAt: start, duration: nil) }
            return state.current
        }
        defer {
            let elapsed = NIODeadline.now() - start
            state.withLockedValue { state in
                state.current = outer
                guard elapsed >= Self.slowThreshold else { return }
                state.slow.append(Run(callSite: callSite, kind: kind, startedAt: start, duration: Duration(elapsed)))
            }
        }
        return try body()
    }

    /// The work the reactor thread is running now, if any.
    package var current: Run? { state.withLockedValue { $0.current } }

    /// The recent runs that took ``slowThreshold`` or longer, the newest first.
    package var recentSlowRuns: [Run] { state.withLockedValue { $0.slow.newestFirst } }
}

extension Reactor {
    /// What the reactor thread runs now, and what held it lately (see ``LoopActivity``).
    package var activity: LoopActivity { gate.activity }
}
