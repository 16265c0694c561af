import Foundation
import NIOCore

/// `help`, `whoami`, `sessions`, `kick`, `quit`.
enum SessionCommands {
    static let help = ShellCommand(
        name: "help", aliases: ["?"], usage: "help [COMMAND]",
        summary: "List the commands, or explain one.", isReadOnly: true
    ) { invocation, environment in
        if let name = invocation.arguments.first {
            guard let command = environment.commands.command(named: name) else {
                return environment.fail(unknownCommandMessage(name, environment.commands))
            }
            return environment.reply(Reply(text: command.helpText, encoding: ["name": command.name, "help": command.helpText]))
        }
        let commands = environment.commands.all
        let width = commands.map(\.usage.count).max() ?? 0
        var text = "commands (help COMMAND for more):\n"
        for command in commands {
            text += "  " + command.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + command.summary + "\n"
        }
        let json = commands.map { ["name": $0.name, "usage": $0.usage, "summary": $0.summary, "readOnly": "\($0.isReadOnly)"] }
        return environment.reply(Reply(text: text, encoding: json))
    }

    static let whoami = ShellCommand(
        name: "whoami", usage: "whoami", summary: "Show your user name, role and session.", isReadOnly: true
    ) { invocation, environment in
        let text = "\(invocation.user) (\(invocation.role.rawValue)), session \(invocation.sessionID)\n"
        return environment.reply(Reply(
            text: text,
            encoding: ["user": invocation.user, "role": invocation.role.rawValue, "session": "\(invocation.sessionID)"]))
    }

    static let sessions = ShellCommand(
        name: "sessions", usage: "sessions", summary: "List the connections to this manhole.", isReadOnly: true
    ) { invocation, environment in
        let now = NIODeadline.now()
        let all = environment.state.sessions
        var rows = [["id", "user", "role", "peer", "connected", "commands", "last command"]]
        for session in all {
            let marker = session.id == invocation.sessionID ? "*" : ""
            rows.append([
                "\(session.id)\(marker)", session.user ?? "(logging in)", session.role?.rawValue ?? "-", session.peer,
                formatDuration(session.age(at: now)), "\(session.commands)", session.lastCommand ?? "-",
            ])
        }
        return environment.reply(Reply(text: alignedTable(rows) + "* this session\n", encoding: all))
    }

    static let kick = ShellCommand(
        name: "kick", usage: "kick SESSION", summary: "Close another session (its slot is free at once).",
        details: """
            The session (an id from 'sessions', logged in or still logging in) is told goodbye \
            ("kicked by admin (session N)", N being yours) and closed; the kick is logged. \
            Your own session cannot be kicked: use quit.
            """,
        isReadOnly: false
    ) { invocation, environment in
        environment.withID(invocation, usage: "kick SESSION") { id in
            guard id != invocation.sessionID else {
                return environment.fail("session \(id) is your own: use quit to end it")
            }
            guard let kicked = environment.state.kick(id: id) else {
                return environment.fail("no session \(id) (see 'sessions')")
            }
            let (channel, session) = kicked
            let reason = "kicked by admin (session \(invocation.sessionID))"
            environment.configuration.logger.notice(
                "session kicked",
                metadata: [
                    "session": "\(invocation.sessionID)", "user": "\(invocation.user)", "kicked": "\(id)",
                    "kickedUser": "\(session.user ?? "-")", "kickedPeer": "\(session.peer)",
                ])
            channel.pipeline.fireUserInboundEventTriggered(GoodbyeEvent(reason: reason))
            let who = session.user.map { "user \($0)" } ?? "still logging in"
            return environment.reply(Reply(
                text: "kicked session \(id) (\(who))\n",
                encoding: ["kicked": "\(id)", "user": session.user ?? ""]))
        }
    }

    static let quit = ShellCommand(
        name: "quit", aliases: ["exit"], usage: "quit", summary: "End the session.", isReadOnly: true
    ) { _, environment in
        environment.reply(Reply(text: "bye\n", closesSession: true))
    }
}

/// The message for an unknown command, with the closest names.
func unknownCommandMessage(_ name: String, _ commands: CommandTable) -> String {
    let suggestions = commands.suggestions(for: name)
    let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?"
    return "unknown command '\(name)'.\(hint) Type 'help' for the list."
}

/// Rows of cells with columns aligned; the first row is the heading.
func alignedTable(_ rows: [[String]]) -> String {
    var widths: [Int] = []
    for row in rows {
        for (column, cell) in row.enumerated() {
            if column == widths.count { widths.append(0) }
            widths[column] = max(widths[column], cell.count)
        }
    }
    return rows.map { row in
        var line = ""
        for (column, cell) in row.enumerated() {
            line += column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
        }
        while line.last == " " { line.removeLast() }
        return line + "\n"
    }.joined()
}

/// `1.2s`, `350ms`, `3m12s`, `2h05m`.
func formatDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let total = Double(seconds) + Double(attoseconds) / 1e18
    switch abs(total) {
    case ..<0.001: return "\(Int((total * 1e6).rounded()))µs"
    case ..<1: return "\(Int((total * 1e3).rounded()))ms"
    case ..<60: return String(format: "%.1fs", total)
    case ..<3_600: return "\(Int(total) / 60)m\(String(format: "%02d", Int(total) % 60))s"
    default: return "\(Int(total) / 3_600)h\(String(format: "%02d", Int(total) % 3_600 / 60))m"
    }
}
