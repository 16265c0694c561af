import NIOCore

/// `help`, `whoami`, `sessions`, `kick`, `quit`.
enum SessionCommands {
    static let help = ShellCommand(
        name: "help", aliases: ["?"], usage: "help [COMMAND]",
        summary: "List the commands, or explain one.", isReadOnly: true
    ) { invocation, environment in
        if let name = invocation.arguments.first {
            guard let command = environment.commands.command(named: name) else {
                return environment.fail(environment.commands.unknownCommandMessage(name))
            }
            return environment.reply(Reply(text: command.helpText, encoding: ["name": command.name, "help": command.helpText]))
        }
        return environment.reply(HelpView.table(environment.commands.all))
    }

    static let whoami = ShellCommand(
        name: "whoami", usage: "whoami", summary: "Show your user name, role and session.", isReadOnly: true
    ) { invocation, environment in
        environment.reply(Table(fields: [
            .init("user", key: "user", .text(invocation.user)),
            .init("role", key: "role", .text(invocation.role.name)),
            .init("session", key: "session", .number(invocation.sessionID)),
        ]))
    }

    static let sessions = ShellCommand(
        name: "sessions", usage: "sessions", summary: "List the connections to this manhole.", isReadOnly: true
    ) { invocation, environment in
        environment.reply(SessionsView.table(environment.state.sessions, current: invocation.sessionID))
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
            let (control, session) = kicked
            let reason = "kicked by admin (session \(invocation.sessionID))"
            environment.configuration.logger.notice(
                "session kicked",
                metadata: [
                    "session": "\(invocation.sessionID)", "user": "\(invocation.user)", "kicked": "\(id)",
                    "kickedUser": "\(session.user ?? "-")", "kickedPeer": "\(session.peer)",
                ])
            control.sayGoodbye(reason)
            let who = session.user.map { "user \($0)" } ?? "still logging in"
            return environment.reply(Reply(
                text: "kicked session \(id) (\(who))\n",
                encoding: Kicked(kicked: id, user: session.user)))
        }
    }

    static let quit = ShellCommand(
        name: "quit", aliases: ["exit"], usage: "quit", summary: "End the session.", isReadOnly: true
    ) { _, environment in
        environment.reply(Reply(text: "bye\n", closesSession: true))
    }
}

/// `kick`'s JSON: the session kicked (a number, as in `sessions`) and its user, `null` when it
/// was still logging in.
private struct Kicked: Encodable, Sendable {
    var kicked: Int
    var user: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        try container.encode(kicked, forKey: JSONKey("kicked"))
        try container.encode(user, forKey: JSONKey("user"))
    }
}
