import NIOConcurrencyHelpers
import Synchronization

/// A live timer, as the registry sees it.
protocol RegisteredTimer: AnyObject, Sendable {
    var id: Int { get }
    func info() -> TimerInfo
    /// Who is told about its runs and its end (``Reactor/observeTimer(id:_:)``).
    var observers: TimerObservers { get }
    /// Stops the timer for good.
    func cancel()
    /// The looping call's overruns of its interval, if it is one and has overrun.
    func overrun() -> LoopingCallOverrun?
}

extension RegisteredTimer {
    func overrun() -> LoopingCallOverrun? { nil }
}

/// Every live timer of a reactor, in creation order, listable and cancellable from any thread.
/// Timers add themselves when scheduled and remove themselves when they fire for the last time
/// or are cancelled.
///
/// Lock order: a timer may call the registry while holding its own lock; the registry never
/// calls a timer (``RegisteredTimer/info()``, ``RegisteredTimer/cancel()``) while holding its own.
final class TimerRegistry: Sendable {
    private struct State: Sendable {
        var timers = OrderedRegistry<any RegisteredTimer>()
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    /// A fresh timer id.
    func makeID() -> Int {
        state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
    }

    func add(_ timer: any RegisteredTimer) {
        state.withLockedValue { $0.timers.insert(timer, id: timer.id) }
    }

    func remove(id: Int) {
        state.withLockedValue { _ = $0.timers.remove(id: id) }
    }

    func lookup(id: Int) -> (any RegisteredTimer)? {
        state.withLockedValue { $0.timers.value(id: id) }
    }

    var count: Int { state.withLockedValue { $0.timers.count } }

    /// Snapshots of up to `limit` timers, oldest first.
    func list(limit: Int) -> [TimerInfo] {
        state.withLockedValue { $0.timers.first(limit) }.map { $0.info() }
    }

    /// The overruns of the live looping calls (asked outside the registry's lock, as the lock
    /// order requires).
    func overruns() -> [LoopingCallOverrun] {
        state.withLockedValue { $0.timers.all }.compactMap { $0.overrun() }
    }

    /// Cancels every timer (at reactor stop).
    func cancelAll() {
        let all = state.withLockedValue { $0.timers.all }
        for timer in all { timer.cancel() }
    }
}
