/// The state of a tracked result: what the manhole's `results` and `result ID` views show.
package enum ResultState: String, Sendable, Hashable, Codable, CaseIterable {
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
