import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo's stop request: SIGINT or SIGTERM set it, the main thread's job loop waits on it
/// instead of sleeping, so a stop is seen at once even in the middle of a job.
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

    /// Turns SIGINT and SIGTERM into a stop request: the default action (dying mid-job) is
    /// replaced by a dispatch source, so the process ends by returning from `main`.
    /// - Returns: The sources; keep them for as long as the handlers should work.
    func installHandlers(onSignal: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                onSignal(name)
                self?.request()
            }
            source.resume()
            sources.append(source)
        }
        return sources
    }
}

