import NIOConcurrencyHelpers

/// The main thread's work: items taken in turn and processed with blocking calls. Its state is
/// shared with the manhole (read on the reactor thread) and the `pause-jobs` command, so it is
/// kept behind a lock and read as snapshots.
final class JobQueue: Sendable {
    /// One processed item.
    struct Job: Sendable {
        /// The item's number.
        var id: Int
        /// The customer it belongs to.
        var customer: String
        /// The order total, in cents.
        var amountCents: Int
        /// `done` or `failed: …`.
        var outcome: String
        /// How long the work took, in milliseconds.
        var milliseconds: Int
    }

    /// What `jobs` shows.
    struct JobsSnapshot: Sendable {
        /// Whether the loop is paused (`pause-jobs`).
        var paused: Bool
        /// When the pause ends, if it was given a length.
        var pausedUntil: String?
        /// Items processed so far.
        var processed: Int
        /// Items that failed.
        var failed: Int
        /// The item being worked on, if any.
        var current: Int?
        /// Items waiting.
        var backlog: Int
        /// The last few items, newest last.
        var recent: [Job]
    }

    private struct State {
        var paused = false
        var pausedUntil: ContinuousClock.Instant?
        var processed = 0
        var failed = 0
        var current: Int?
        var nextID = 1
        var recent: [Job] = []
    }

    private let state = NIOLockedValueBox(State())
    /// How many recent jobs are kept.
    static let recentLimit = 8

    /// Creates an empty queue.
    init() {}

    /// A snapshot for the manhole.
    func snapshot() -> JobsSnapshot {
        state.withLockedValue { state in
            JobsSnapshot(
                paused: isPaused(state), pausedUntil: state.pausedUntil.map { "in \(ContinuousClock.now.duration(to: $0))" },
                processed: state.processed, failed: state.failed, current: state.current,
                backlog: 40 + (state.nextID * 7) % 23, recent: state.recent)
        }
    }

    /// Whether the loop should wait instead of taking an item.
    var isPaused: Bool { state.withLockedValue { isPaused($0) } }

    private func isPaused(_ state: State) -> Bool {
        guard state.paused else { return false }
        if let until = state.pausedUntil { return ContinuousClock.now < until }
        return true
    }

    /// Pauses the loop, for `duration` or until ``resume()``.
    func pause(for duration: Duration?) {
        state.withLockedValue {
            $0.paused = true
            $0.pausedUntil = duration.map { ContinuousClock.now + $0 }
        }
    }

    /// Resumes the loop; returns whether it was paused.
    @discardableResult
    func resume() -> Bool {
        state.withLockedValue { state in
            let wasPaused = isPaused(state)
            state.paused = false
            state.pausedUntil = nil
            return wasPaused
        }
    }

    /// Takes the next item's number and marks it current.
    func take() -> Int {
        state.withLockedValue {
            let id = $0.nextID
            $0.nextID += 1
            $0.current = id
            return id
        }
    }

    /// Records how an item ended.
    func finish(_ job: Job, failed: Bool) {
        state.withLockedValue {
            $0.current = nil
            $0.processed += 1
            if failed { $0.failed += 1 }
            $0.recent.append(job)
            if $0.recent.count > Self.recentLimit { $0.recent.removeFirst($0.recent.count - Self.recentLimit) }
        }
    }
}
