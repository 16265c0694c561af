package import NIOCore

/// A snapshot of one result the reactor tracks: one still in flight, or one that was stashed.
///
/// Taken under the registry's lock from any thread, without retrieving the result. Used by the
/// manhole's `results` view (`Sources/Manhole/Views`).
package struct ResultInfo: Sendable, Hashable {
    /// The result's id; for a stashed result this is the id ``EventualResult/stash()`` returned.
    package var id: Int
    /// The Swift type of the value, e.g. `"Int"` or `"Array<String>"`.
    package var valueType: String
    /// Pending, succeeded, failed or cancelled.
    package var state: ResultState
    /// When the work was submitted, on the reactor's clock (`NIODeadline.now()` at submission).
    package var createdAt: NIODeadline
    /// Where the work was submitted.
    package var callSite: CallSite
    /// Whether the result is held in the stash until someone retrieves it.
    package var isStashed: Bool
    /// How many threads are blocked in `wait` on it right now.
    package var waiters: Int
    /// The timeout of the blocked waiter that gives up first, if any waits with a timeout.
    package var shortestWaitTimeout: Duration?
    /// A one-line description of the failure, when ``state`` is `.failed`.
    package var failureDescription: String?

    /// The result's age at `now`.
    package func age(at now: NIODeadline = .now()) -> Duration {
        Duration(now - createdAt)
    }
}
