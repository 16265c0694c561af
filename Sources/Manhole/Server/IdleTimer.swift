import NIOCore
import Reactor

/// A logged-in session's idle deadline (`Manhole.Configuration.idleTimeout`), for every
/// transport: ``touch()`` notes activity, and once `timeout` passes without any, `onIdle` runs,
/// once, with the goodbye's reason (`idle for 30m`). The timer is scheduled once and, when it fires early, re-armed for the time left, so a
/// busy session does not reschedule a timer per line. Confined to the sessions' loop.
final class IdleTimer {
    private let eventLoop: any EventLoop
    private let timeout: Duration
    private let onIdle: (_ reason: String) -> Void
    private var lastActivity = NIODeadline.now()
    private var scheduled: Scheduled<Void>?
    private var ended = false

    /// A timer on `eventLoop`, not yet running: the first ``touch()`` starts it.
    init(on eventLoop: any EventLoop, timeout: Duration, onIdle: @escaping (_ reason: String) -> Void) {
        self.eventLoop = eventLoop
        self.timeout = timeout
        self.onIdle = onIdle
    }

    /// Notes activity now; starts the timer if it is not running.
    func touch() {
        lastActivity = .now()
        if scheduled == nil, !ended { arm(in: TimeAmount(timeout)) }
    }

    /// Stops the timer for good (the session has ended).
    func cancel() {
        ended = true
        scheduled?.cancel()
        scheduled = nil
    }

    private func arm(in delay: TimeAmount) {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        scheduled = eventLoop.scheduleTask(in: delay) {
            let this = loopBound.value
            guard !this.ended else { return }
            let idle = NIODeadline.now() - this.lastActivity
            let timeout = TimeAmount(this.timeout)
            if idle >= timeout {
                this.cancel()
                this.onIdle("idle for \(DurationFormat.string(this.timeout))")
            } else {
                this.arm(in: timeout - idle)
            }
        }
    }
}
