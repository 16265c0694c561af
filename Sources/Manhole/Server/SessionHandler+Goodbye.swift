import Reactor
import ManholeWire
import Logging
import NIOCore

/// Output, the idle timer, and goodbyes.
extension SessionHandler {
    /// Notes activity (``IdleTimer``): a session idle for `idleTimeout` gets its goodbye.
    func resetIdleTimer() {
        if idleTimer == nil {
            let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
            idleTimer = IdleTimer(on: environment.eventLoop, timeout: configuration.idleTimeout) { reason in
                loopBound.value.closeWithGoodbye(reason, level: .info)
            }
        }
        idleTimer?.touch()
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
