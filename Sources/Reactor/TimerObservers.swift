import NIOConcurrencyHelpers
import Synchronization

/// What a timer tells its observers: a run (its count, how long it took, what it threw) or its
/// end (it fired for the last time, or was cancelled or stopped).
package struct TimerEvent: Sendable, Hashable {
    /// The timer's id.
    package var timerID: Int
    /// How many times the body has run so far.
    package var runCount: Int
    /// How long this run took; `nil` when the event reports an end without a run (a cancel).
    package var duration: Duration?
    /// What this run threw, described; `nil` when it returned.
    package var error: String?
    /// Whether the timer has ended: it runs no more and its observers are gone.
    package var ended: Bool
}

/// A timer's observers: at most ``limit``, each called after every run (on the reactor thread)
/// and once when the timer ends (on the thread that ends it: the reactor thread after a last run,
/// the cancelling thread for a cancel). A timer that has ended drops its observers and takes no
/// more, so an observer is never kept alive by a dead timer.
///
/// The callbacks are called outside the lock: an observer may remove itself or look at the timer.
package final class TimerObservers: Sendable {
    /// The most observers one timer holds (a manhole session's watch registers one).
    package static let limit = 64

    private struct State {
        var nextToken = 0
        var observers: [(token: Int, call: @Sendable (TimerEvent) -> Void)] = []
        var ended = false
    }

    private let state = NIOLockedValueBox(State())
    /// How many observers are registered, read without the lock: a run with none (the usual case)
    /// costs one relaxed load. An observer added while a run is under way may miss that run.
    private let registered = Atomic<Int>(0)

    /// How many observers are registered.
    package var count: Int { state.withLockedValue { $0.observers.count } }

    /// Registers `observer`; returns its token, or `nil` when the timer has ended or already holds
    /// ``limit`` observers.
    func add(_ observer: @escaping @Sendable (TimerEvent) -> Void) -> Int? {
        state.withLockedValue { state in
            guard !state.ended, state.observers.count < Self.limit else { return nil }
            state.nextToken += 1
            state.observers.append((state.nextToken, observer))
            registered.add(1, ordering: .relaxed)
            return state.nextToken
        }
    }

    /// Unregisters the observer with `token` (nothing if it is gone already).
    func remove(token: Int) {
        state.withLockedValue { state in
            let before = state.observers.count
            state.observers.removeAll { $0.token == token }
            registered.subtract(before - state.observers.count, ordering: .relaxed)
        }
    }

    /// Tells every observer about `event`; an event that ends the timer drops them all after.
    func notify(_ event: TimerEvent) {
        guard event.ended || registered.load(ordering: .relaxed) > 0 else { return }
        let observers = state.withLockedValue { state -> [@Sendable (TimerEvent) -> Void] in
            guard !state.ended else { return [] }
            let calls = state.observers.map(\.call)
            if event.ended {
                state.ended = true
                registered.subtract(state.observers.count, ordering: .relaxed)
                state.observers = []
            }
            return calls
        }
        for observer in observers { observer(event) }
    }
}

/// One observer registered on a timer by ``Reactor/observeTimer(id:_:)``; ``cancel()``
/// unregisters it.
package struct TimerObservation: Sendable {
    /// The timer observed.
    package let timerID: Int
    /// The timer's name.
    package let name: String
    private weak var observers: TimerObservers?
    private let token: Int

    init(timerID: Int, name: String, observers: TimerObservers, token: Int) {
        self.timerID = timerID
        self.name = name
        self.observers = observers
        self.token = token
    }

    /// Unregisters the observer; safe from any thread, and after the timer has ended.
    package func cancel() { observers?.remove(token: token) }
}

extension Reactor {
    /// Registers `observer` on the live timer with this id (see ``TimerObservers``); `nil` when no
    /// live timer has it, or it holds ``TimerObservers/limit`` observers already.
    package func observeTimer(id: Int, _ observer: @escaping @Sendable (TimerEvent) -> Void) -> TimerObservation? {
        guard let timer = timerRegistry.lookup(id: id), let token = timer.observers.add(observer) else { return nil }
        return TimerObservation(timerID: id, name: timer.info().name, observers: timer.observers, token: token)
    }
}
