import NIOConcurrencyHelpers

/// A door that opens once and stays open: threads wait for it with a bound, and callbacks run
/// when it opens (at once if it is open already), for waiters that must not block a thread.
package final class Latch: Sendable {
    /// A closed latch.
    package init() {}

    private let condition = ConditionLock(value: false)
    /// The callbacks to run when it opens; `nil` once it has.
    private let callbacks = NIOLockedValueBox<[@Sendable () -> Void]?>([])

    /// Opens it, releasing every waiter now and later, and runs the callbacks on this thread.
    package func open() {
        condition.lock()
        condition.unlock(withValue: true)
        let waiting = callbacks.withLockedValue { callbacks in
            defer { callbacks = nil }
            return callbacks ?? []
        }
        for callback in waiting { callback() }
    }

    /// Waits until it is open or `timeout` passes; returns whether it opened.
    package func waitBounded(_ timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        guard condition.lock(whenValue: true, timeoutSeconds: Double(seconds) + Double(attoseconds) / 1e18) else {
            return false
        }
        condition.unlock()
        return true
    }

    /// Runs `body` once it is open: on the thread that opens it, or at once on this one if it is
    /// open already.
    package func whenOpen(_ body: @escaping @Sendable () -> Void) {
        let isOpen = callbacks.withLockedValue { callbacks in
            guard callbacks != nil else { return true }
            callbacks?.append(body)
            return false
        }
        if isOpen { body() }
    }
}
