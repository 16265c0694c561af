import Foundation
import Inspector
import NIOCore
import Reactor

/// A command the shell runs: a name, its help, whether a read-only user may run it, and the
/// work, which runs on the sessions' loop and must not block it (it returns a future). What must
/// run on the reactor thread (reading an entry registered there, a host command) goes through
/// ``ShellEnvironment/reactorCall(fileID:line:function:)``, bounded by the configured wait.
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
