import Reactor
import ManholeWire
import Logging
import NIOCore

/// Output, the idle timer, and goodbyes.
extension SessionHandler {
    /// Notes activity; the idle timer, scheduled once, re-arms itself for the time left when it
    /// fires early, so that a busy session does not reschedule a timer per command.
    func resetIdleTimer() {
        lastActivity = .now()
        guard idleTimer == nil else { return }
        armIdleTimer(in: TimeAmount(configuration.idleTimeout))
    }

    private func armIdleTimer(in delay: TimeAmount) {
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        idleTimer = environment.eventLoop.scheduleTask(in: delay) {
            let this = loopBound.value
            let timeout = TimeAmount(this.configuration.idleTimeout)
            let idle = NIODeadline.now() - this.lastActivity
            if idle >= timeout {
                this.closeWithGoodbye("idle for \(DurationFormat.string(this.configuration.idleTimeout))", level: .info)
            } else {
                this.armIdleTimer(in: timeout - idle)
            }
        }
    }

    /// Writes one frame in one write, terminal-safe (``ShellFrames/wireText(_:)``).
    func say(_ frame: Frame, thenClose: Bool = false) {
        guard let context, context.channel.isActive else { return }
        let buffer = context.channel.allocator.buffer(string: ShellFrames.wireText(frame))
        if thenClose {
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    /// Says goodbye with a reason, then closes.
    func closeWithGoodbye(_ reason: String, level: Logger.Level) {
        guard !closing else { return }
        logBeforeLogin(level, "closing session", ["reason": "\(reason)"])
        closing = true
        // A login waiting for its verdict leaves its source's queue: it will get none.
        perform(login.sessionEnded())
        say(Frame(.bye, sequence: 0, payload: reason + "\n"), thenClose: true)
    }
}

/// An event that asks a session to say goodbye and close (sent by `stop()` and at reactor stop).
struct GoodbyeEvent: Sendable {
    let reason: String
}
