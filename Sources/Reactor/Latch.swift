import NIOConcurrencyHelpers

/// A door that opens once and stays open: threads wait for it with a bound.
final class Latch: Sendable {
    private let condition = ConditionLock(value: false)

    /// Opens it, releasing every waiter now and later.
    func open() {
        condition.lock()
        condition.unlock(withValue: true)
    }

    /// Waits until it is open or `timeout` passes; returns whether it opened.
    func waitBounded(_ timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        guard condition.lock(whenValue: true, timeoutSeconds: Double(seconds) + Double(attoseconds) / 1e18) else {
            return false
        }
        condition.unlock()
        return true
    }
}
