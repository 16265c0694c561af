import NIOCore

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
    /// Whether every ``EventualResult`` handed out for it has been released.
    var isReleased: Bool { get }
    /// The failure nobody has handled, marking it handled: for the report of a stash at stop.
    func takeUnhandledFailure() -> ResultFailure?
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

extension Outcome {
    /// The outcome as a waiter sees it: the value, the body's own error, or
    /// ``ReactorError/cancelled`` for a cancelled result.
    var result: Result<T, any Error> {
        switch self {
        case .success(let value): .success(value)
        case .failure(let failure): .failure(failure.error)
        case .cancelled: .failure(ReactorError.cancelled)
        }
    }
}

extension ResultState {
    /// The state an outcome (or none yet) shows.
    init<T>(_ outcome: Outcome<T>?) {
        switch outcome {
        case nil: self = .pending
        case .success: self = .succeeded
        case .failure: self = .failed
        case .cancelled: self = .cancelled
        }
    }
}
