import NIOCore

/// Notices: a logged-in session's watches (``SessionWatches``) and the writing of their notices,
/// whole frames between replies, only while the socket takes more (the session's flow control);
/// what the socket does not take waits in the bounded queue.
extension SessionHandler {
    /// Puts the session on the watch board (at login).
    func startWatches() {
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        let watches = SessionWatches(sessionID: id, budget: environment.budget) { loopBound.value.writeNotices() }
        environment.watchBoard.add(watches, on: environment.eventLoop)
    }

    /// Writes the waiting notices while the socket is writable.
    func writeNotices() {
        guard !closing, let context, context.channel.isActive,
            let watches = environment.watchBoard.session(id, on: environment.eventLoop)
        else { return }
        watches.drain(while: { context.channel.isWritable }) { say($0) }
    }

    /// Takes the session off the board: its watches go, their observers are unregistered.
    func endWatches() {
        guard loggedIn else { return }
        environment.watchBoard.remove(id, on: environment.eventLoop)
    }
}
