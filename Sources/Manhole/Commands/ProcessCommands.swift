/// `stats`, `reactor`.
enum ProcessCommands {
    static let stats = ShellCommand(
        name: "stats", usage: "stats", summary: "Process figures: memory, threads, open files, uptime, CPU time.",
        isReadOnly: true
    ) { _, environment in
        environment.reply(ProcessView.table())
    }

    static let reactor = ShellCommand(
        name: "reactor", usage: "reactor", summary: "Reactor status: running for, timers, results, sessions.",
        isReadOnly: true
    ) { _, environment in
        environment.reply(ReactorView.table(
            of: environment.reactor, sessions: environment.state.sessions, manholeStartedAt: environment.startedAt))
    }
}
