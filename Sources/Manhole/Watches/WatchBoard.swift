import NIOCore
import Reactor

/// Every logged-in session's watches, by session id: how a command (which knows only its
/// session's id) and a reactor event (which arrives on another thread) find a session's
/// ``SessionWatches``. A session is on the board from its login to its end; an event for a
/// session that has ended finds nothing, so nothing is called on a closed channel.
///
/// Confined to the sessions' loop (checked): `@unchecked Sendable` only so that the environment
/// and the reactor's observers can carry it to the loop.
final class WatchBoard: @unchecked Sendable {
    private var sessions: [Int: SessionWatches] = [:]

    /// The session's watches, if it is logged in.
    func session(_ id: Int, on loop: any EventLoop) -> SessionWatches? {
        loop.preconditionInEventLoop()
        return sessions[id]
    }

    /// Puts a session that has logged in on the board.
    func add(_ watches: SessionWatches, on loop: any EventLoop) {
        loop.preconditionInEventLoop()
        sessions[watches.sessionID] = watches
    }

    /// Takes a session that ended off the board, and removes its watches (and their observers).
    func remove(_ id: Int, on loop: any EventLoop) {
        loop.preconditionInEventLoop()
        sessions.removeValue(forKey: id)?.removeAll()
    }

    /// The most notices that have waited at once in any session still on the board.
    func highWater(on loop: any EventLoop) -> Int {
        loop.preconditionInEventLoop()
        return sessions.values.map(\.highWater).max() ?? 0
    }
}
