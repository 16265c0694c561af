import Logging
import ManholeWire
import NIOCore

/// `log --follow`: a watch of the session whose notices are the host's new log lines (see
/// ``LogFollowers`` for how they are pulled without costing the host's logging threads).
enum LogFollowCommand {
    static func start(
        _ invocation: CommandInvocation, level: Logger.Level, ring: LogRing, environment: ShellEnvironment
    ) -> EventLoopFuture<Reply> {
        let (board, followers, loop, sessionID) =
            (environment.watchBoard, environment.logFollowers, environment.eventLoop, invocation.sessionID)
        guard let session = board.session(sessionID, on: loop) else { return environment.fail("this session cannot watch") }
        guard !session.isFull else {
            return environment.fail("at most \(SessionWatches.maxWatches) watches per session; 'unwatch' one first")
        }
        let watchID = session.add(.log(level: level), format: invocation.format)
        // From the line after the last one written now: the OK is written before any pull runs
        // (a pull is a later task on this loop).
        followers.add(sessionID: sessionID, watchID: watchID, level: level, ring: ring, board: board, loop: loop)
        session.onEnd(of: watchID) { followers.remove(sessionID: sessionID, watchID: watchID, ring: ring, loop: loop) }
        let text = "following the log (watch \(watchID)); interrupt or unwatch \(watchID) to stop\n"
        return environment.reply(Reply(text: text, encoding: FollowStarted(watch: watchID, subject: "log", level: level.rawValue)))
    }
}

/// The JSON answer to `log --follow`: the watch's id, what it is on and the lowest level shown.
private struct FollowStarted: Encodable, Sendable {
    var watch: Int
    var subject: String
    var level: String
}
