public import NIOCore

/// The state of an ``EventualResult``.
public enum ResultState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The body has not finished yet.
    case pending
    /// The body returned a value.
    case succeeded
    /// The body threw, or the reactor stopped before it finished.
    case failed
    /// Someone called ``EventualResult/cancel()`` (or a ``Reactor/waitFor(timeout:fileID:line:function:_:)-swift.method``
    /// timed out) before the body finished.
    case cancelled
}

/// A snapshot of one result the reactor tracks: one still in flight, or one that was stashed.
///
/// Taken under the registry's lock from any thread, without retrieving the result. Used by the
/// Inspector's `results` view.
public struct ResultInfo: Sendable, Hashable {
    /// The result's id; for a stashed result this is the id ``EventualResult/stash()`` returned.
    public var id: Int
    /// The Swift type of the value, e.g. `"Int"` or `"Array<String>"`.
    public var valueType: String
    /// Pending, succeeded, failed or cancelled.
    public var state: ResultState
    /// When the work was submitted, on the reactor's clock (`NIODeadline.now()` at submission).
    public var createdAt: NIODeadline
    /// Where the work was submitted.
    public var callSite: CallSite
    /// Whether the result is held in the stash until someone retrieves it.
    public var isStashed: Bool
    /// How many threads are blocked in `wait` on it right now.
    public var waiters: Int
    /// The timeout of the blocked waiter that gives up first, if any waits with a timeout.
    public var shortestWaitTimeout: Duration?
    /// A one-line description of the failure, when ``state`` is `.failed`.
    public var failureDescription: String?

    /// The result's age at `now`.
    public func age(at now: NIODeadline = .now()) -> Duration {
        Duration.nanoseconds((now - createdAt).nanoseconds)
    }
}
