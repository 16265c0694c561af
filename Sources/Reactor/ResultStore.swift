import NIOConcurrencyHelpers
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

    private struct State: Sendable {
        var entries = OrderedRegistry<Entry>()
        var nextID = 0
        var stashedCount = 0
        var isClosed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Creates and tracks a new result box; once the store is closed (reactor stopped) the box is born failed.
    func makeBox<T: Sendable>(_ type: T.Type, callSite: CallSite) -> ResultBox<T> {
        state.withLockedValue { state in
            state.nextID += 1
            guard !state.isClosed else {
                let box = ResultBox<T>(id: state.nextID, callSite: callSite, store: nil)
                box.interrupt(with: .stopped)
                return box
            }
            let box = ResultBox<T>(id: state.nextID, callSite: callSite, store: self)
            state.entries.insert(Entry(result: box, isStashed: false), id: box.id)
            return box
        }
    }

    /// Runs `settle` (which sets a result's outcome under the result's own lock and returns what it
    /// took, or `nil` when the outcome was already set) under the store's lock, and forgets the
    /// result then unless it is stashed. Holding the store's lock means nobody sees the result
    /// complete while it is still tracked (a waiter woken by the outcome could list it), and
    /// ``retrieve(id:as:)`` sees either a pending result or a finished one, never one in between.
    func finish<Settled>(id: Int, settle: () -> Settled?) -> Settled? {
        state.withLockedValue { state in
            guard let settled = settle() else { return nil }
            if state.entries.value(id: id)?.isStashed == false {
                state.entries.remove(id: id)
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
            if wasStashed != true { state.stashedCount += 1 }
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
            if box.isComplete {
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

    /// How many results are tracked, and how many of them are stashed.
    var counts: (tracked: Int, stashed: Int) {
        state.withLockedValue { state in
            (state.entries.count, state.stashedCount)
        }
    }

    /// Refuses new results and returns every tracked one, so the caller can interrupt them.
    func close() -> [any TrackedResult] {
        state.withLockedValue { state in
            state.isClosed = true
            return state.entries.all.map(\.result)
        }
    }
}
