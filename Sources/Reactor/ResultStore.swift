import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Every result the reactor is responsible for: those still in flight (so that ``Reactor/stop(timeout:)``
/// can interrupt their waiters) and those stashed for a later ``Reactor/retrieveResult(_:as:)``.
///
/// Lock order: the store's lock may be held while a result's own lock is taken, never the reverse.
final class ResultStore: Sendable {
    private struct Entry: Sendable {
        var result: any TrackedResult
        var isStashed: Bool
    }

    /// A result that finished while nobody had waited on it and its ``EventualResult`` was still
    /// held: the store forgets finished results, so this is how the lint still sees them. Weak,
    /// so the store never keeps a value alive; when the holder lets go, the entry is moot.
    private struct FinishedUnwaited: Sendable {
        var id: Int
        var finishedAt: NIODeadline
        weak var result: (any TrackedResult)?
    }

    /// How many of the oldest tracked results the lint looks at, and how many finished unwaited
    /// results it remembers: the lint reads bounded tables only.
    static let lintScanLimit = 256
    static let finishedUnwaitedCapacity = 64

    private struct State: Sendable {
        var entries = OrderedRegistry<Entry>()
        var nextID = 0
        var stashedCount = 0
        /// When each stashed result was stashed, for the forgotten-result lint. Beside the
        /// entries rather than in them: every `runInReactor` inserts and removes an entry, which
        /// stays as small as it was.
        var stashedAt: [Int: NIODeadline] = [:]
        var isClosed = false
        var finishedUnwaited = RecentHistory<FinishedUnwaited>(capacity: ResultStore.finishedUnwaitedCapacity)
    }

    private let state = NIOLockedValueBox(State())
    /// Where failures nobody handled are reported.
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Creates and tracks a new result box; once the store is closed (reactor stopped) the box is born failed.
    /// `isAwaited` says a caller will wait on it (`waitFor`), so it never counts as forgotten.
    func makeBox<T: Sendable>(_ type: T.Type, callSite: CallSite, isAwaited: Bool = false) -> ResultBox<T> {
        state.withLockedValue { state in
            state.nextID += 1
            guard !state.isClosed else {
                let box = ResultBox<T>(id: state.nextID, callSite: callSite, store: nil, isAwaited: isAwaited)
                box.interrupt(with: .stopped)
                return box
            }
            let box = ResultBox<T>(id: state.nextID, callSite: callSite, store: self, isAwaited: isAwaited)
            state.entries.insert(Entry(result: box, isStashed: false), id: box.id)
            return box
        }
    }

    /// Runs `settle` (which sets a result's outcome under the result's own lock and returns what it
    /// took, or `nil` when the outcome was already set) under the store's lock, and forgets the
    /// result then unless it is stashed. Holding the store's lock means nobody sees the result
    /// complete while it is still tracked (a waiter woken by the outcome could list it), and
    /// ``retrieve(id:as:)`` sees either a pending result or a finished one, never one in between.
    /// A result forgotten here that nobody has waited on yet, and whose ``EventualResult`` is still
    /// held, is remembered (weakly, the newest 64) for the forgotten-result lint; a `waitFor`'s
    /// result is awaited from birth, so that path only reads one flag.
    /// `settle` is told whether the result is stashed.
    func finish<Settled>(id: Int, settle: (_ isStashed: Bool) -> Settled?) -> Settled? {
        state.withLockedValue { state in
            // One lookup, before `settle`: nothing else changes the entries while the lock is held.
            let entry = state.entries.value(id: id)
            guard let settled = settle(entry?.isStashed ?? false) else { return nil }
            if let entry, !entry.isStashed {
                state.entries.remove(id: id)
                if !entry.result.wasAwaited, !entry.result.isReleased {
                    state.finishedUnwaited.append(FinishedUnwaited(id: id, finishedAt: .now(), result: entry.result))
                }
            }
            return settled
        }
    }

    /// Keeps `result` until it is retrieved; returns its id.
    func stash(_ result: any TrackedResult) -> Int {
        state.withLockedValue { state in
            let wasStashed = state.entries.update(id: result.id) { entry in
                defer { entry.isStashed = true }
                return entry.isStashed
            }
            if wasStashed == nil {
                state.entries.insert(Entry(result: result, isStashed: true), id: result.id)
            }
            if wasStashed != true {
                state.stashedCount += 1
                state.stashedAt[result.id] = .now()
            }
        }
        return result.id
    }

    /// Whether `id` is stashed right now.
    func isStashed(id: Int) -> Bool {
        state.withLockedValue { $0.entries.value(id: id)?.isStashed ?? false }
    }

    /// Removes a stashed result and returns it, typed.
    func retrieve<T: Sendable>(id: Int, as type: T.Type) throws(ReactorError) -> ResultBox<T> {
        let outcome: Result<ResultBox<T>, ReactorError> = state.withLockedValue { state in
            guard let entry = state.entries.value(id: id), entry.isStashed else {
                return .failure(.unknownResult(id: id))
            }
            guard let box = entry.result as? ResultBox<T> else {
                return .failure(.resultTypeMismatch(
                    id: id, expected: String(reflecting: T.self), actual: entry.result.valueTypeName))
            }
            state.stashedCount -= 1
            state.stashedAt[id] = nil
            // Decided on the outcome itself, under the box's lock (store lock, then box lock: the
            // allowed order): `isComplete` is announced only after `finish` released the store's
            // lock, and a retrieve in between kept a finished result tracked for ever (the model).
            if box.hasOutcome {
                state.entries.remove(id: id)
            } else {
                _ = state.entries.update(id: id) { $0.isStashed = false }
            }
            return .success(box)
        }
        return try outcome.get()
    }

    /// The result under `id`, in flight or stashed.
    func lookup(id: Int) -> (result: any TrackedResult, isStashed: Bool)? {
        state.withLockedValue { state in
            state.entries.value(id: id).map { ($0.result, $0.isStashed) }
        }
    }

    /// Snapshots of up to `limit` results in id order; only stashed ones when `stashedOnly`.
    func list(limit: Int, stashedOnly: Bool) -> [ResultInfo] {
        let page = state.withLockedValue { state in
            state.entries.first(limit) { !stashedOnly || $0.isStashed }
        }
        return page.map { $0.result.info(isStashed: $0.isStashed) }
    }

    /// The results forgotten for longer than `threshold` at `now`: stashed and not retrieved;
    /// pending with nobody ever waiting on them; finished with nobody ever waiting on them while
    /// the code that made them still holds them. Looks at the oldest ``lintScanLimit`` tracked
    /// results and the remembered finished ones only, so its cost is bounded.
    func forgotten(at now: NIODeadline, olderThan threshold: Duration) -> [ForgottenResult] {
        let limit = TimeAmount(threshold)
        return state.withLockedValue { state in
            var found: [ForgottenResult] = []
            func add(_ result: any TrackedResult, _ reason: ForgottenResult.Reason, since: NIODeadline) {
                found.append(ForgottenResult(
                    id: result.id, callSite: result.callSite, valueType: result.valueTypeName, reason: reason, since: since))
            }
            for entry in state.entries.first(Self.lintScanLimit) {
                if entry.isStashed, let stashedAt = state.stashedAt[entry.result.id], now - stashedAt > limit {
                    add(entry.result, .stashed, since: stashedAt)
                } else if !entry.isStashed, !entry.result.isComplete, !entry.result.wasAwaited,
                    now - entry.result.createdAt > limit
                {
                    add(entry.result, .pendingUnwaited, since: entry.result.createdAt)
                }
            }
            for finished in state.finishedUnwaited.newestFirst {
                guard let result = finished.result, !result.wasAwaited, !result.isReleased,
                    state.entries.value(id: finished.id) == nil, now - finished.finishedAt > limit
                else { continue }
                add(result, .finishedUnwaited, since: finished.finishedAt)
            }
            return found
        }
    }

    /// How many results are tracked, and how many of them are stashed.
    var counts: (tracked: Int, stashed: Int) {
        state.withLockedValue { state in
            (state.entries.count, state.stashedCount)
        }
    }

    /// Refuses new results and returns every tracked one, so the caller can interrupt them. The
    /// failures still in the stash that nobody handled are reported first (the first
    /// ``stashReportLimit`` by id one per line, then a count): nobody can retrieve them any more.
    func close() -> [any TrackedResult] {
        let entries = state.withLockedValue { state in
            state.isClosed = true
            return state.entries.all
        }
        let unhandled = entries.lazy.filter(\.isStashed).compactMap { entry in
            entry.result.takeUnhandledFailure().map { (entry.result.id, $0) }
        }
        var reported = 0
        for (id, failure) in unhandled {
            reported += 1
            if reported <= Self.stashReportLimit { reportUnhandled(failure, id: id, message: "unhandled failure left in the stash at stop") }
        }
        if reported > Self.stashReportLimit {
            logger.error(
                "more unhandled failures left in the stash at stop",
                metadata: ["count": "\(reported - Self.stashReportLimit)", "logged": "\(Self.stashReportLimit)"])
        }
        return entries.map(\.result)
    }

    /// How many stashed failures the stop reports one by one.
    static let stashReportLimit = 100

    /// Logs a failure nobody handled: its result, the error and where the work was submitted.
    func reportUnhandled(_ failure: ResultFailure, id: Int, message: Logger.Message = "unhandled failure in reactor result") {
        logger.error(
            message,
            metadata: [
                "result": "\(id)", "error": "\(String(reflecting: failure.error))", "callSite": "\(failure.callSite)",
            ])
    }
}
