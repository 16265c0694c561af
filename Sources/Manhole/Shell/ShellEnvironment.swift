import Foundation
import Inspector
import NIOCore
import Reactor

/// What the commands work with.
struct ShellEnvironment: Sendable {
    let reactor: Reactor
    let inspector: Inspector
    let state: ServerState
    let commands: CommandTable
    let configuration: Manhole.Configuration
    let startedAt: NIODeadline
    /// The shell's share of the reactor thread (loop confined).
    let budget: LoopBudget

    var eventLoop: any EventLoop { reactor.eventLoop }

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
