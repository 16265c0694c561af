import NIOConcurrencyHelpers

/// The demo's stop request: the reactor's first shutdown phase sets it (on SIGINT or SIGTERM,
/// through `stopOnSignals`), the main thread's job loop waits on it instead of sleeping, so a
/// stop is seen at once even in the middle of a job.
final class StopSignal: Sendable {
    private let condition = ConditionLock(value: false)

    /// Whether a stop was requested.
    var isRequested: Bool { condition.value }  // the getter takes the lock itself

    /// Asks the loop to stop.
    func request() {
        condition.lock()
        condition.unlock(withValue: true)
    }

    /// Blocks for up to `duration`; returns `true` (early) if a stop was requested.
    func wait(_ duration: Duration) -> Bool {
        let (seconds, attoseconds) = duration.components
        guard condition.lock(whenValue: true, timeoutSeconds: Double(seconds) + Double(attoseconds) / 1e18) else {
            return false
        }
        condition.unlock()
        return true
    }
}
