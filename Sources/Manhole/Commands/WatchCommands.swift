import ManholeWire
import NIOCore
import Reactor

/// `watch`, `unwatch`, `watches`: notices when a result finishes or a timer runs (see
/// ``SessionWatches``; the notices' payloads are ``NoticeView``'s).
enum WatchCommands {
    static let watch = ShellCommand(
        name: "watch", usage: "watch result ID | watch timer ID",
        summary: "Get a notice when a result finishes, or each time a timer runs.",
        details: """
            Notices are NOTICE frames (sequence 0) between replies, in the format of this request
            (@json watch … gives JSON notices). A result's notice shows it as 'result ID' does
            (looking is not handling); a one-shot timer's watch ends after its run, and any timer
            watch ends when the timer is cancelled. At most \(SessionWatches.maxWatches) watches per
            session; at most \(SessionWatches.maxQueued) notices wait for a slow reader, newer ones
            are dropped and counted.
            """,
        isReadOnly: true
    ) { invocation, environment in
        let usage = "usage: watch result ID | watch timer ID"
        guard invocation.arguments.count == 2, ["result", "timer"].contains(invocation.arguments[0]) else {
            return environment.fail(usage)
        }
        guard let id = Int(invocation.arguments[1]), id > 0 else {
            return environment.fail("'\(invocation.arguments[1])' is not an id (a positive number); \(usage)")
        }
        let loop = environment.eventLoop
        guard let session = environment.watchBoard.session(invocation.sessionID, on: loop) else {
            return environment.fail("this session cannot watch")
        }
        guard !session.isFull else {
            return environment.fail("at most \(SessionWatches.maxWatches) watches per session; 'unwatch' one first")
        }
        let format = invocation.format
        return invocation.arguments[0] == "result"
            ? watchResult(id, session: session, format: format, environment: environment)
            : watchTimer(id, session: session, format: format, environment: environment)
    }

    static let unwatch = ShellCommand(
        name: "unwatch", usage: "unwatch WATCH-ID", summary: "Remove a watch: no more notices from it.",
        isReadOnly: true
    ) { invocation, environment in
        environment.withID(invocation, usage: "unwatch WATCH-ID (a number from 'watches')") { id in
            guard let session = environment.watchBoard.session(invocation.sessionID, on: environment.eventLoop),
                let removal = session.remove(id)
            else { return environment.fail("no watch \(id) in this session (see 'watches')") }
            return environment.reply(Reply(text: "removed \(removal.text)\n", encoding: removal))
        }
    }

    static let watches = ShellCommand(
        name: "watches", usage: "watches", summary: "List this session's watches: subject, notices sent and dropped.",
        isReadOnly: true
    ) { invocation, environment in
        guard invocation.arguments.isEmpty else { return environment.fail("usage: watches") }
        guard let session = environment.watchBoard.session(invocation.sessionID, on: environment.eventLoop) else {
            return environment.fail("this session cannot watch")
        }
        return environment.reply(session.table)
    }

    private static func watchResult(
        _ resultID: Int, session: SessionWatches, format: Frame.Format, environment: ShellEnvironment
    ) -> EventLoopFuture<Reply> {
        let (board, loop, sessionID) = (environment.watchBoard, environment.eventLoop, session.sessionID)
        let watchID = session.add(.result(id: resultID), format: format)
        let reactor = environment.reactor
        let options = environment.inspector.configuration.renderOptions
        // The callback hops to the sessions' loop (at once for a finished result: the OK is
        // written first, since this task ends before the hop runs) and finds the session there,
        // if it still exists.
        let tracked = reactor.whenResultFinishes(id: resultID) { state in
            loop.execute {
                board.session(sessionID, on: loop)?.notify(watchID, ends: true) { watch in
                    NoticeView.result(watch, id: resultID, state: state, reactor: reactor, options: options)
                }
            }
        }
        guard tracked else {
            session.remove(watchID)
            return environment.fail("no tracked result with id \(resultID) (see 'results --all')")
        }
        let text = "watch \(watchID): result \(resultID) (a notice when it finishes)\n"
        return environment.reply(Reply(text: text, encoding: WatchStarted(watch: watchID, subject: "result \(resultID)")))
    }

    private static func watchTimer(
        _ timerID: Int, session: SessionWatches, format: Frame.Format, environment: ShellEnvironment
    ) -> EventLoopFuture<Reply> {
        let (board, loop, sessionID) = (environment.watchBoard, environment.eventLoop, session.sessionID)
        let watchID = session.add(.timer(id: timerID), format: format)
        let hops = HopLimit()
        let observation = environment.reactor.observeTimer(id: timerID) { event in
            // On the reactor thread: only the hop, bounded; the session formats (within its budget).
            guard hops.admit(force: event.ended) else { return }
            loop.execute {
                let lost = hops.arrived()
                guard let session = board.session(sessionID, on: loop),
                    let watch = session.watches.first(where: { $0.id == watchID })
                else { return }
                session.countLost(lost, of: watchID)
                let name = watch.observation?.name ?? ""
                session.notify(watchID, ends: event.ended) { NoticeView.timer($0, name: name, event: event) }
            }
        }
        guard let observation else {
            session.remove(watchID)
            return environment.fail(
                "no live timer with id \(timerID) (see 'timers'), or it has \(TimerObservers.limit) watches already")
        }
        session.attach(observation, to: watchID)
        let text = "watch \(watchID): timer \(timerID) \"\(observation.name)\" (a notice each time it runs)\n"
        return environment.reply(Reply(text: text, encoding: WatchStarted(watch: watchID, subject: "timer \(timerID)")))
    }
}

/// The JSON answer to `watch`: the new watch's id and what it is on.
private struct WatchStarted: Encodable, Sendable {
    var watch: Int
    var subject: String
}
