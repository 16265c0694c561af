import Synchronization

/// Work handed in by `POST /jobs` and done later by a worker task (``JobWorker``): the queue
/// holds the pending jobs and the counts an operator reads with `inspect jobs`.
///
/// Guarded by a `Mutex`; the worker waits on an `AsyncStream` that each enqueue feeds, so it
/// sleeps while the queue is empty.
public final class JobQueue: Sendable {
    /// One job: its number and what it carries.
    public struct Job: Sendable {
        /// Its number, from 1 in the order jobs were enqueued.
        public var id: Int
        /// The request body that made it.
        public var payload: String
    }

    /// What `inspect jobs` shows.
    public struct Snapshot: Sendable {
        /// Jobs waiting for the worker.
        public var pending: Int
        /// Jobs enqueued since the start.
        public var enqueued: Int
        /// Jobs the worker finished.
        public var processed: Int
        /// The payloads of the first waiting jobs (at most 10), oldest first.
        public var next: [String]
    }

    private struct State {
        var pending: [Job] = []
        var enqueued = 0
        var processed = 0
    }

    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates an empty queue.
    public init() {
        // One buffered wake-up is enough: the worker drains everything pending each time it wakes.
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a job; returns its number.
    public func enqueue(_ payload: String) -> Int {
        let id = state.withLock { state in
            state.enqueued += 1
            state.pending.append(Job(id: state.enqueued, payload: payload))
            return state.enqueued
        }
        wake.yield()
        return id
    }

    /// Takes every pending job, oldest first.
    func takeAll() -> [Job] {
        state.withLock { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
    }

    /// Counts one job as done.
    func markProcessed() {
        state.withLock { $0.processed += 1 }
    }

    /// Ends the wake-ups, so that the worker returns once it has drained the queue.
    func finish() {
        wake.finish()
    }

    /// The wake-ups the worker waits on.
    var signals: AsyncStream<Void> { wakeups }

    /// The counts now.
    public func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(
                pending: state.pending.count, enqueued: state.enqueued, processed: state.processed,
                next: state.pending.prefix(10).map(\.payload))
        }
    }
}
