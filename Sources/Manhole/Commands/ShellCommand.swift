import Foundation
import Inspector
import NIOCore
import Reactor

/// A command the shell runs: a name, its help, whether a read-only user may run it, and the
/// work, which runs on the reactor thread and must not block it (it returns a future).
struct ShellCommand: Sendable {
    let name: String
    let aliases: [String]
    /// One line: `inspect PATH [--depth N]`.
    let usage: String
    /// One line, for the `help` list.
    let summary: String
    /// More lines for `help NAME`, if any.
    let details: String
    /// Whether a read-only user may run it.
    let isReadOnly: Bool
    /// Whether its first argument is an object path (for completion).
    let takesPath: Bool
    let run: @Sendable (CommandInvocation, ShellEnvironment) -> EventLoopFuture<Reply>

    init(
        name: String, aliases: [String] = [], usage: String, summary: String, details: String = "",
        isReadOnly: Bool, takesPath: Bool = false,
        run: @escaping @Sendable (CommandInvocation, ShellEnvironment) -> EventLoopFuture<Reply>
    ) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.summary = summary
        self.details = details
        self.isReadOnly = isReadOnly
        self.takesPath = takesPath
        self.run = run
    }

    /// The text `help NAME` prints.
    var helpText: String {
        var text = "usage: \(usage)\n\(summary)\n"
        if !aliases.isEmpty { text += "aliases: \(aliases.joined(separator: ", "))\n" }
        if !details.isEmpty { text += "\n\(details)\n" }
        text += isReadOnly ? "read-only users may run it.\n" : "admin only: it changes the process.\n"
        return text
    }
}

/// One run of a command, as a host command handler sees it.
public struct CommandInvocation: Sendable {
    /// The command name as typed.
    package var name: String
    /// The words after the name (quotes removed).
    public var arguments: [String]
    /// The text after the name, as typed.
    public var argumentText: String
    /// The logged-in user.
    public var user: String
    /// The user's role.
    public var role: Role
    /// The session's id.
    public var sessionID: Int
}

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

/// What a command answers: text for the terminal, and the same content as JSON when it has a
/// structured form. The JSON is only encoded when a client asks for it (`@json`).
struct Reply: Sendable {
    var text: String
    private let makeJSON: (@Sendable () -> String)?
    /// The session ends after this reply (`quit`).
    var closesSession = false

    init(text: String, closesSession: Bool = false) {
        self.text = text
        self.makeJSON = nil
        self.closesSession = closesSession
    }

    /// A reply whose JSON form is `value` encoded.
    init(text: String, encoding value: some Encodable & Sendable) {
        self.text = text
        self.makeJSON = { Self.encode(value) }
    }

    /// A reply showing `table`: aligned text, or the table's JSON (every table alike: ``Table``).
    init(table: Table) {
        self.init(text: table.plainText, encoding: table)
    }

    /// The JSON form: the structured value, or the text wrapped as `{"text": …}`.
    var json: String { makeJSON?() ?? Self.encode(["text": text]) }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A command's refusal or failure, shown to the user as the `ERR` payload.
struct ShellError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ message: String) { self.description = message }
}
