import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// What a finished result holds.
enum Outcome<T: Sendable>: Sendable {
    case success(T)
    case failure(ResultFailure)
    case cancelled
}

/// The type-erased face of a result, for the reactor's registry (listing, interrupting at stop).
protocol TrackedResult: AnyObject, Sendable {
    var id: Int { get }
    var callSite: CallSite { get }
    var createdAt: NIODeadline { get }
    var isComplete: Bool { get }
    /// Whether anyone has waited on it (`wait`, `waitFor`, a callback), for the forgotten-result lint.
    var wasAwaited: Bool { get }
    /// Whether the ``EventualResult`` that was handed out has been released.
    var isReleased: Bool { get }
    /// A snapshot for listings; `isStashed` comes from the registry that holds the entry.
    func info(isStashed: Bool) -> ResultInfo
    /// The value if it succeeded, the failure if it failed. Peeking does not count as handling:
    /// a failure peeked at is still logged as unhandled if nobody else observes it.
    func peek() -> (value: (any Sendable)?, failure: ResultFailure?)
    /// Completes a pending result with `error` (used when the reactor stops); returns the
    /// canceller of the work behind it when it was still pending, for the caller to run on the
    /// reactor thread, `nil` when it had already finished.
    @discardableResult
    func interrupt(with error: ReactorError) -> (@Sendable () -> Void)?
    /// The name of the value type.
    var valueTypeName: String { get }
    /// Cancels the result through `reactor` (its canceller runs on the reactor thread); returns
    /// whether it was still pending.
    func cancel(through reactor: Reactor) -> Bool
}

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
    private let released = Atomic<Bool>(false)
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

    /// Records that the ``EventualResult`` handed out for it was released.
    func markReleased() { released.store(true, ordering: .relaxed) }

    var valueTypeName: String { typeName(of: T.self) }

    /// Whether an outcome is set; lock-free.
    var isComplete: Bool { isDone.load(ordering: .acquiring) }

    /// The current state.
    var state: ResultState {
        locked { Self.state(of: outcome) }
    }

    /// Installs the canceller that cancelling (or a stop) runs on the reactor thread. Called on
    /// the reactor thread right after the work started: if the result was cancelled, timed out or
    /// stopped in between, the work is called off at once instead, so it never outlives its result
    /// (an unsettled Deferred would otherwise be left behind).
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
        let settled = if let store { store.finish(id: id) { publish(newOutcome) } } else { publish(newOutcome) }
        guard let settled else { return nil }
        announce()
        for callback in settled.callbacks { callback(newOutcome) }
        return settled.canceller
    }

    /// Sets the outcome under the result's lock; returns the canceller (or a no-op) and the
    /// callbacks to run, or `nil` if an outcome was already set. Waiters learn of it from `announce`.
    private func publish(_ newOutcome: Outcome<T>)
        -> (canceller: @Sendable () -> Void, callbacks: [@Sendable (Outcome<T>) -> Void])?
    {
        condition.lock()
        guard outcome == nil else {
            condition.unlock()
            return nil
        }
        outcome = newOutcome
        let taken = (canceller: canceller ?? {}, callbacks: callbacks)
        canceller = nil
        callbacks = []
        if case .failure = newOutcome, observingCallbacks > 0 { failureObserved = true }
        condition.unlock()
        return taken
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

    /// The failure nobody has looked at, if the result failed.
    var unobservedFailure: ResultFailure? {
        guard isComplete else { return nil }
        return locked {
            guard case .failure(let failure) = outcome, !failureObserved else { return nil }
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
                id: id, valueType: valueTypeName, state: Self.state(of: outcome), createdAt: createdAt,
                callSite: callSite, isStashed: isStashed, waiters: waiterTimeouts.count,
                shortestWaitTimeout: waiterTimeouts.values.min(), failureDescription: failureDescription)
        }
    }

    private static func state(of outcome: Outcome<T>?) -> ResultState {
        switch outcome {
        case nil: .pending
        case .success: .succeeded
        case .failure: .failed
        case .cancelled: .cancelled
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
