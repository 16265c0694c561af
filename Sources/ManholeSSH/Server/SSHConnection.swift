import Manhole
import NIOCore

/// One SSH connection: its manhole session (admitted when the TCP connection came, logged in
/// by the authenticator) and the one session channel it may open. Confined to the sessions'
/// loop; `@unchecked Sendable` only so that the goodbye (from `kick` or a stop, on any thread)
/// can carry it there.
final class SSHConnection: @unchecked Sendable {
    let session: ShellSession
    let channel: any Channel
    /// The session channel (shell or exec) once the client opened it: one per connection.
    var sessionChannel: (any Channel)?
    /// The user once authenticated.
    var user: String?
    private var loginTimer: Scheduled<Void>?

    init(session: ShellSession, channel: any Channel) {
        self.session = session
        self.channel = channel
    }

    /// Closes the connection if it has not logged in within `timeout`, as native logins do.
    func startLoginTimer(_ timeout: TimeAmount) {
        let loopBound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        loginTimer = channel.eventLoop.scheduleTask(in: timeout) {
            let this = loopBound.value
            guard this.user == nil else { return }
            this.channel.close(promise: nil)
        }
    }

    /// Marks the connection as logged in: the login deadline no longer applies.
    func loggedIn(as user: String) {
        self.user = user
        loginTimer?.cancel()
    }

    /// Tells the session channel `reason` (on its standard error, ended by a newline) and closes
    /// the connection: how `kick` and a stop end an SSH session.
    func sayGoodbye(_ reason: String) {
        if let sessionChannel, sessionChannel.isActive {
            var buffer = sessionChannel.allocator.buffer(capacity: reason.utf8.count + 16)
            buffer.writeString("\r\ngoodbye: \(reason)\r\n")
            sessionChannel.writeAndFlush(SSHOutput.stdErr(buffer)).whenComplete { [channel] _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    /// The connection has closed: its session ends (its slot is free, its watches go).
    func closed() {
        loginTimer?.cancel()
        // The session channel's handler holds this connection: let go of the channel.
        sessionChannel = nil
        session.end()
    }
}
