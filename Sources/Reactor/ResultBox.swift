import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// The shared state behind an ``EventualResult``: the outcome, the canceller, and the waiters.
///
/// Thread-safety: every mutable field is read and written only while `condition` is locked;
/// `isDone` may be polled without it, which is what lets a waiter spin without taking the lock.
/// `isDone` and the condition's value announce an outcome already set: they are written after the
/// store's lock is released (see `settle`), so a woken waiter that calls the reactor again at once
/// does not block on the lock the settling thread still holds.
final class ResultBox<T: Sendable>: TrackedResult, @unchecked Sendable {
    let id: Int
    let callSite: CallSite
    let createdAt: NIODeadline
    /// The registry to tell when the result finishes; `nil` for a result born after the reactor
    /// stopped. Weak: the store holds its boxes (stashed ones until retrieved), and a strong reference
    /// back made a cycle that leaked a stopped reactor's stash (found by LeakSanitizer).
    private weak let store: ResultStore?
    private let isDone = Atomic<Bool>(false)
    /// Set once anyone waits (or is known, at birth, to be going to): read only by the lint, so
    /// relaxed, and a `waitFor`'s result never writes it after birth.
    private let awaited: Synchronization.Atomic<Bool>
    /// The ``EventualResult`` handles alive, from 1: the submitter's, before it exists (a body can
    /// fail first). `released` mirrors `handles == 0` for the lint's relaxed reads.
    private let handles = Atomic<Int>(1)
    private let released = Atomic<Bool>(false)
    /// Set by `publish` for a failure before it reads `handles`; the last release reads it after
    /// writing `handles` (sequentially consistent: one sees the other). Successes skip the lock.
    private let failed = Atomic<Bool>(false)
    private let condition = ConditionLock(value: 0)
    private var outcome: Outcome<T>?
    private var canceller: (@Sendable () -> Void)?
    private var callbacks: [@Sendable (Outcome<T>) -> Void] = []
    /// How many of `callbacks` count as observing a failure (a gather's do not: it marks observed
    /// only the failure it reports).
    private var observingCallbacks = 0
    private var waiterTimeouts: [Int: Duration] = [:]
    private var nextWaiterToken = 0
    private var failureObserved = false
    /// Set under the lock by whichever of the last release and the failure's arrival reports it.
    private var unhandledReported = false

    init(id: Int, callSite: CallSite, store: ResultStore?, isAwaited: Bool = false) {
        self.id = id
        self.callSite = callSite
        self.store = store
        self.awaited = Atomic(isAwaited)
        self.createdAt = .now()
    }

    var wasAwaited: Bool { awaited.load(ordering: .relaxed) }

    /// Records that someone waits on the result; one relaxed load when that was known already.
    func markAwaited() {
        if !awaited.load(ordering: .relaxed) { awaited.store(true, ordering: .relaxed) }
    }

    var isReleased: Bool { released.load(ordering: .relaxed) }

    /// Counts one more ``EventualResult`` handle (a retrieve hands out a new one).
    func retainHandle() {
        handles.add(1, ordering: .sequentiallyConsistent)
        released.store(false, ordering: .relaxed)
    }

    /// Counts a released handle; returns, once, the failure to report when it was the last handle
    /// and nobody handled it (a failure in `store`'s stash waits for its retrieve or the stop).
    func releaseHandle(in store: ResultStore) -> ResultFailure? {
        guard handles.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 else { return nil }
        released.store(true, ordering: .relaxed)
        guard failed.load(ordering: .sequentiallyConsistent) else { return nil }
        // Only a failure reaches the store's lock (for the stash), and never under this one.
        guard locked({ isUnhandledFailure }), !store.isStashed(id: id) else { return nil }
        return locked {
            guard handles.load(ordering: .acquiring) == 0 else { return nil }
            return claimUnhandled()
        }
    }

    /// Whether the outcome is a failure nobody has handled or reported; under the lock.
    private var isUnhandledFailure: Bool {
        guard case .failure(let failure) = outcome else { return false }
        return !failureObserved && !unhandledReported && (failure.error as? ReactorError) != .stopped
    }

    /// The failure nobody has handled (not the one a stop causes), marking it reported; under the lock.
    private func claimUnhandled() -> ResultFailure? {
        guard isUnhandledFailure, case .failure(let failure) = outcome else { return nil }
        unhandledReported = true
        return failure
    }

    func takeUnhandledFailure() -> ResultFailure? {
        locked { claimUnhandled() }
    }

    var valueTypeName: String { typeName(of: T.self) }

    /// Whether an outcome is set; lock-free.
    var isComplete: Bool { isDone.load(ordering: .acquiring) }

    /// Whether an outcome is set, under the lock: exact even before `announce` has run.
    var hasOutcome: Bool { locked { outcome != nil } }

    /// The current state.
    var state: ResultState {
        locked { ResultState(outcome) }
    }

    /// Installs the canceller that cancelling (or a stop) runs on the reactor thread, right after
    /// the work started; if the result was cancelled, timed out or stopped in between, the work is
    /// called off at once instead (an unsettled Deferred would otherwise be left behind).
    func setCanceller(_ body: @escaping @Sendable () -> Void) {
        let alreadyComplete = locked {
            if outcome == nil { canceller = body }
            return outcome != nil
        }
        if alreadyComplete { body() }
    }

    /// Sets the outcome if none is set yet; returns whether this call set it.
    @discardableResult
    func complete(_ newOutcome: Outcome<T>) -> Bool {
        settle(newOutcome) != nil
    }

    @discardableResult
    func succeed(_ value: T) -> Bool { complete(.success(value)) }

    /// Succeeds or fails with a future's outcome.
    func complete(with result: Result<T, any Error>) {
        switch result {
        case .success(let value): succeed(value)
        case .failure(let error): fail(error)
        }
    }

    @discardableResult
    func fail(_ error: any Error) -> Bool {
        settle(failure(error)) != nil
    }

    /// Marks the result cancelled; returns the canceller to run (a no-op when none was installed)
    /// if the result was still pending, `nil` otherwise.
    func cancel() -> (@Sendable () -> Void)? {
        settle(.cancelled)
    }

    @discardableResult
    func interrupt(with error: ReactorError) -> (@Sendable () -> Void)? {
        settle(failure(error))
    }

    private func failure(_ error: any Error) -> Outcome<T> {
        .failure(ResultFailure(
            error: error, callSite: callSite, submittedAt: createdAt, failedAt: .now(), threadName: currentThreadName()))
    }

    func cancel(through reactor: Reactor) -> Bool { reactor.cancel(self) }

    /// Sets the outcome if none is set yet, wakes waiters and runs callbacks; returns the
    /// canceller that was installed (or a no-op) when this call set the outcome, `nil` otherwise.
    private func settle(_ newOutcome: Outcome<T>) -> (@Sendable () -> Void)? {
        let settled =
            if let store { store.finish(id: id) { isStashed in publish(newOutcome, isStashed: isStashed) } } else {
                publish(newOutcome, isStashed: false)
            }
        guard let settled else { return nil }
        announce()
        for callback in settled.callbacks { callback(newOutcome) }
        if let unhandled = settled.unhandled { store?.reportUnhandled(unhandled, id: id) }
        return settled.canceller
    }

    /// Sets the outcome under the result's lock; returns the canceller (or a no-op), the
    /// callbacks to run and, when every handle was already released, the failure nobody can handle
    /// any more; `nil` if an outcome was already set. Waiters learn of it from `announce`.
    private func publish(_ newOutcome: Outcome<T>, isStashed: Bool) -> Settled? {
        condition.lock()
        guard outcome == nil else {
            condition.unlock()
            return nil
        }
        outcome = newOutcome
        var taken = Settled(canceller: canceller ?? {}, callbacks: callbacks)
        canceller = nil
        callbacks = []
        if case .failure = newOutcome {
            if observingCallbacks > 0 { failureObserved = true }
            failed.store(true, ordering: .sequentiallyConsistent)
            if !isStashed, handles.load(ordering: .sequentiallyConsistent) == 0 { taken.unhandled = claimUnhandled() }
        }
        condition.unlock()
        return taken
    }

    /// What `publish` takes out of the result for `settle` to run and report.
    private struct Settled {
        var canceller: @Sendable () -> Void
        var callbacks: [@Sendable (Outcome<T>) -> Void]
        var unhandled: ResultFailure?
    }

    /// Wakes the waiters of an outcome `publish` has set: spinning ones through `isDone`, parked
    /// ones through the condition. Called once the store's lock is released: a waiter woken while
    /// the settling thread still held it went straight back to sleep on it when it called the
    /// reactor again (two more context switches per `waitFor` on a loaded machine).
    private func announce() {
        isDone.store(true, ordering: .releasing)
        condition.lock()
        condition.unlock(withValue: 1)
    }

    /// Runs `callback` with the outcome once it is set (at once, on this thread, if it already is).
    /// A failure delivered to a callback counts as observed unless `observing` is false (a gather,
    /// which reads ``failure`` only for the failure it reports).
    func whenComplete(observing: Bool = true, _ callback: @escaping @Sendable (Outcome<T>) -> Void) {
        markAwaited()
        condition.lock()
        guard let outcome else {
            callbacks.append(callback)
            if observing { observingCallbacks += 1 }
            condition.unlock()
            return
        }
        if observing, case .failure = outcome { failureObserved = true }
        condition.unlock()
        callback(outcome)
    }

    /// Blocks until the outcome is set or `timeout` passes (`nil`).
    func wait(timeout: Duration) -> Outcome<T>? {
        markAwaited()
        if !isComplete {
            let start = NIODeadline.now()
            if !sharedWaiterSpin.spin(until: { isComplete }) {
                guard park(timeout: timeout, start: start) else { return nil }
            }
        }
        return locked {
            if case .failure = outcome { failureObserved = true }
            return outcome
        }
    }

    private func park(timeout: Duration, start: NIODeadline) -> Bool {
        let token: Int = locked {
            nextWaiterToken += 1
            waiterTimeouts[nextWaiterToken] = timeout
            return nextWaiterToken
        }
        defer { locked { _ = waiterTimeouts.removeValue(forKey: token) } }
        let remaining = TimeAmount(timeout) - (NIODeadline.now() - start)
        guard remaining > .zero else { return isComplete }
        let seconds = Double(remaining.nanoseconds) / 1e9
        guard condition.lock(whenValue: 1, timeoutSeconds: seconds) else { return false }
        condition.unlock()
        return true
    }

    /// The failure, if any, marking it observed.
    var failure: ResultFailure? {
        locked {
            guard case .failure(let failure) = outcome else { return nil }
            failureObserved = true
            return failure
        }
    }

    func peek() -> (value: (any Sendable)?, failure: ResultFailure?) {
        locked {
            switch outcome {
            case .success(let value): return (value, nil)
            case .failure(let failure): return (nil, failure)
            case .cancelled, nil: return (nil, nil)
            }
        }
    }

    func info(isStashed: Bool) -> ResultInfo {
        locked {
            var failureDescription: String?
            if case .failure(let failure) = outcome { failureDescription = String(describing: failure.error) }
            return ResultInfo(
                id: id, valueType: valueTypeName, state: ResultState(outcome), createdAt: createdAt,
                callSite: callSite, isStashed: isStashed, waiters: waiterTimeouts.count,
                shortestWaitTimeout: waiterTimeouts.values.min(), failureDescription: failureDescription)
        }
    }

    private func locked<R>(_ body: () -> R) -> R {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}

/// The spin policy of blocked callers (process-wide: they share the machine's cores).
let sharedWaiterSpin = SpinPolicy()
