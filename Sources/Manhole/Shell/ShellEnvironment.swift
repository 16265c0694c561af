import Foundation
import Inspector
import NIOCore
import Reactor

/// What the commands work with.
struct ShellEnvironment: Sendable {
    let reactor: Reactor
    /// The thread every session, listener and command of this manhole runs on, not the reactor's,
    /// so that the shell answers while a host body holds the reactor thread.
    let sessionThread: SessionThread
    let inspector: Inspector
    let state: ServerState
    let commands: CommandTable
    let configuration: Manhole.Configuration
    let startedAt: NIODeadline
    /// The shell's share of real time (confined to the sessions' loop).
    let budget: LoopBudget
    /// The logged-in sessions' watches (``WatchBoard``, confined to the sessions' loop).
    let watchBoard = WatchBoard()
    /// The sessions following the host's log (``LogFollowers``, confined to the sessions' loop).
    let logFollowers = LogFollowers()

    /// The sessions' loop (``SessionThread/loop``).
    var eventLoop: any EventLoop { sessionThread.loop }

    /// How a command hands work to the reactor thread: it must start within
    /// ``Manhole/Configuration/reactorWaitLimit`` (or the reply says what holds the reactor), it
    /// completes on the sessions' loop, and its time on the reactor thread is charged to the
    /// shell's budget. Its call site is the caller's, shown by `loop` while it runs. The session's
    /// interrupt calls it off (the invocation's ``CommandInvocation/interruption``).
    func reactorCall(
        for invocation: CommandInvocation, fileID: String = #fileID, line: Int = #line, function: String = #function
    ) -> ReactorCall {
        let budget = budget
        let loop = eventLoop
        var call = ReactorCall(
            deliveryLoop: loop, startWithin: configuration.reactorWaitLimit,
            callSite: CallSite(fileID: fileID, line: line, function: function), deliveries: sessionThread.deliveries
        ) { spent in
            budget.chargeWork(TimeAmount(spent))
        }
        call.interruption = invocation.interruption
        return call
    }

    /// A reply future that is already complete.
    func reply(_ reply: Reply) -> EventLoopFuture<Reply> { eventLoop.makeSucceededFuture(reply) }

    /// A failed reply future.
    func fail(_ message: String) -> EventLoopFuture<Reply> { eventLoop.makeFailedFuture(ShellError(message)) }

    /// A reply showing `table`: aligned text, or the table as JSON.
    func reply(_ table: Table) -> EventLoopFuture<Reply> { reply(Reply(table: table)) }

    /// Runs `body` with the invocation's only argument as a number, or fails with `usage`.
    func withID(
        _ invocation: CommandInvocation, usage: String, _ body: (Int) -> EventLoopFuture<Reply>
    ) -> EventLoopFuture<Reply> {
        guard invocation.arguments.count == 1, let id = Int(invocation.arguments[0]) else { return fail("usage: \(usage)") }
        return body(id)
    }
}
