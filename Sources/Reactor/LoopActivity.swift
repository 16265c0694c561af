import NIOConcurrencyHelpers
package import NIOCore
import Synchronization

/// What the reactor thread is running: the `runInReactor` body, delayed call or looping call in
/// progress (its call site, and since when), readable from any thread, and the recent runs that
/// held the loop for a millisecond or more. A wedged loop is wedged by one of these; an
/// operator's first question is which one, and for how long.
///
/// Only the reactor thread writes. A run costs two clock reads and one uncontended lock round
/// trip (to publish the run, whose call site holds strings and so cannot be published by atomics
/// alone); its end is one atomic store of its generation, unless it ran a millisecond or more
/// (then it goes to the slow history, and past the slow-callback threshold to the per-call-site
/// table of ``slowCallSites``) or ran inside another run (then the outer one is put back). A
/// reader takes the lock for a copy and drops it when its generation has ended.
/// `manhole-benchmark --sections reactor` prints the cost beside a `waitFor` round trip. Not
/// seen: the jobs of `async` bodies (their task's jobs run apart from the run that starts the
/// task; a manhole's host commands are such bodies), and callbacks the host chains
/// on futures itself.
package final class LoopActivity: Sendable {
    /// What kind of work a run is.
    package enum Kind: String, Sendable, Hashable {
        /// A `runInReactor` body (for an `async` body: only the start of its task, not its jobs).
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
        /// The generation of `current`: it is stale once `finished` has reached it.
        var generation: UInt64 = 0
        var slow = RecentHistory<Run>(capacity: LoopActivity.historyCapacity)
        var slowCallSites = SlowCallSites()
    }

    private let state = NIOLockedValueBox(State())
    /// The generation of the last outermost run that ended. Stored by the reactor thread at a
    /// run's end instead of clearing `current` under the lock: that saves a run its second lock
    /// round trip.
    private let finished = Atomic<UInt64>(0)
    /// The reactor thread's own counters (the last generation handed out, how deep runs nest).
    /// Atomics only so that the class is `Sendable` without `unsafe`; relaxed, plain moves.
    private let lastGeneration = Atomic<UInt64>(0)
    private let depth = Atomic<Int>(0)
    private let isRecording: Bool
    private let slowCallbackThreshold: TimeAmount
    /// Wakes the ``Watchdog`` when a run starts after it parked.
    let bell = WakeBell()

    /// - Parameters:
    ///   - isRecording: `false` turns the bookkeeping off (the benchmark's baseline).
    ///   - slowCallbackThreshold: Runs longer than this are counted per call site (``slowCallSites``).
    package init(isRecording: Bool = true, slowCallbackThreshold: Duration = LoopLintThresholds.slowCallback) {
        self.isRecording = isRecording
        self.slowCallbackThreshold = TimeAmount(slowCallbackThreshold)
    }

    /// Runs `body` as the reactor thread's current work. A run inside another (a body that fires
    /// a timer's work inline) is current until it returns; then the outer one is again.
    package func run<R>(_ callSite: CallSite, _ kind: Kind, _ body: () throws -> R) rethrows -> R {
        guard isRecording else { return try body() }
        bell.ringIfParked()
        let start = NIODeadline.now()
        let generation = lastGeneration.load(ordering: .relaxed) &+ 1
        lastGeneration.store(generation, ordering: .relaxed)
        let nesting = depth.load(ordering: .relaxed)
        depth.store(nesting + 1, ordering: .relaxed)
        // Only a nested run puts the outer one back; an outermost run does not copy it.
        let outer: (run: Run?, generation: UInt64)? = state.withLockedValue { state in
            defer {
                state.current = Run(callSite: callSite, kind: kind, startedAt: start, duration: nil)
                state.generation = generation
            }
            return nesting > 0 ? (state.current, state.generation) : nil
        }
        defer {
            let end = NIODeadline.now()
            let elapsed = end - start
            depth.store(nesting, ordering: .relaxed)
            if nesting > 0 || elapsed >= Self.slowThreshold {
                ended(Run(callSite: callSite, kind: kind, startedAt: start, duration: Duration(elapsed)), at: end, restoring: outer)
            }
            if nesting == 0 { finished.store(generation, ordering: .releasing) }
        }
        return try body()
    }

    /// The slow or nested end of a run: keeps it if slow, puts the outer run back if nested.
    private func ended(_ run: Run, at end: NIODeadline, restoring outer: (run: Run?, generation: UInt64)?) {
        state.withLockedValue { state in
            if let outer {
                state.current = outer.run
                state.generation = outer.generation
            }
            guard let duration = run.duration, duration >= Duration(Self.slowThreshold) else { return }
            state.slow.append(run)
            if duration > Duration(slowCallbackThreshold) {
                state.slowCallSites.record(run, duration: duration, endedAt: end)
            }
        }
    }

    /// The work the reactor thread is running now, if any.
    package var current: Run? {
        let (run, generation) = state.withLockedValue { ($0.current, $0.generation) }
        guard let run, generation > finished.load(ordering: .acquiring) else { return nil }
        return run
    }

    /// The recent runs that took ``slowThreshold`` or longer, the newest first.
    package var recentSlowRuns: [Run] { state.withLockedValue { $0.slow.newestFirst } }

    /// The call sites whose runs held the loop past the slow-callback threshold, the most
    /// recently slow first (at most ``SlowCallSites/capacity``).
    package var slowCallSites: [SlowCallSite] { state.withLockedValue { $0.slowCallSites.newestFirst } }
}

extension Reactor {
    /// What the reactor thread runs now, and what held it lately (see ``LoopActivity``).
    package var activity: LoopActivity { gate.activity }

    /// How many `runInReactor` bodies, `waitFor` calls and cancellations wait for the reactor
    /// thread to take them up (work the host schedules on the loop itself is not seen).
    package var queuedWork: Int { gate.queuedCount }

    /// The nanoseconds the reactor thread has spent polling for the next call (CPU time it used
    /// without working: see `LoopGate`).
    package var pollNanoseconds: Int { gate.pollNanoseconds }
}
