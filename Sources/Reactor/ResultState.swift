// Public only because the Inspector's public `ResultDetail` (the `result ID` view) has a field of
// this type; it becomes `package` when the operator views move out of the Inspector's API.
/// The state of a tracked result: what the manhole's `results` and `result ID` views show.
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
