import ManholeWire
import Logging
import NIOCore

/// Admission: whether a new connection may have a session at all (``ServerState/admit(peer:control:configuration:)``),
/// its greeting, and its login deadline.
extension SessionHandler {
    func admit(_ context: ChannelHandlerContext) {
        peer = knownSource.map { "\($0)" } ?? context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        source = knownSource ?? LoginSource(context.remoteAddress)
        switch environment.state.admit(peer: peer, control: .channel(context.channel), configuration: configuration) {
        case .failure(let refusal):
            logBeforeLogin(.warning, "connection refused", ["peer": "\(peer)", "reason": "\(refusal)"])
            closing = true
            perform(login.sessionEnded())
            say(Frame(.bye, sequence: 0, payload: refusal.description + "\n"), thenClose: true)
            return
        case .success(let admission):
            self.id = admission.id
            if let evicted = admission.evicted {
                logBeforeLogin(.warning, "pending login evicted to make room", ["peer": "\(peer)"])
                evicted.sayGoodbye("evicted: too many connections logging in")
            }
        }
        login = LoginStateMachine(sessionID: id, peer: peer, credentials: credentials, settings: Self.loginSettings(environment))
        logger[metadataKey: "session"] = "\(id)"
        logBeforeLogin(.info, "connection accepted", ["peer": "\(peer)"])
        say(Frame(.hello, sequence: 0, payload: "manhole/2 scram-sha-256\n"))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        loginTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.authTimeout)) {
            let this = loopBound.value
            this.perform(this.login.loginTimerFired())
        }
    }
}
