/// The ways a call into the reactor can fail on its own account (the body's own errors are
/// rethrown unchanged).
public enum ReactorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reactor has stopped, or stopped while the caller waited (Crochet's `ReactorStopped`).
    case stopped
    /// The wait ran out before the result arrived. ``Reactor/waitFor(timeout:fileID:line:function:_:)-7amkj``
    /// also cancels the work before throwing this; ``EventualResult/wait(timeout:)`` does not.
    case timedOut(after: Duration)
    /// The result was cancelled before the body finished.
    case cancelled
    /// `wait` or `waitFor` was called on the reactor thread, where it could only deadlock.
    case waitOnReactorThread
    /// No stashed result has this id: it never existed or was already retrieved.
    case unknownResult(id: Int)
    /// The stashed result holds a value of another type than the one asked for.
    case resultTypeMismatch(id: Int, expected: String, actual: String)

    /// A one-line explanation for logs and error replies.
    public var description: String {
        switch self {
        case .stopped: "the reactor has stopped"
        case .timedOut(let after): "timed out after \(after)"
        case .cancelled: "the result was cancelled"
        case .waitOnReactorThread: "wait called on the reactor thread (it would deadlock); use the result's future or a callback instead"
        case .unknownResult(let id): "no stashed result with id \(id) (never stashed, or already retrieved)"
        case .resultTypeMismatch(let id, let expected, let actual): "stashed result \(id) holds \(actual), not \(expected)"
        }
    }
}
