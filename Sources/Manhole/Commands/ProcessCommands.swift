/// `stats`, `reactor`, `loop`.
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

    static let loop = ShellCommand(
        name: "loop", usage: "loop [--slow | --stalls | --warnings]",
        summary: "What the reactor thread runs now, how busy it was, its ticks; what held it lately.",
        details: """
            Without options, a record: the body, delayed call or looping call running now (its \
            call site, and for how long), the calls queued behind it, the loop's busy share over about the last 1, 10 and \
            60 seconds, and tick durations (p50, p99, max; only for a loop the Reactor created). \
            With --slow, the recent runs that held the loop for 1ms or more, the newest first. \
            With --stalls, the runs the watchdog saw hold it past its threshold (100ms by \
            default), the newest first, one still going without a duration. \
            With --warnings, lints in the manner of tokio-console's, the newest first, then the \
            most severe: a call site whose body, delayed call or looping call held the loop over \
            10ms (how many times, the worst, when last); a looping call that ran longer than its \
            interval or started more than an interval late; a result pending or finished for 1m \
            with nobody ever waiting on it, or stashed for 1m and never retrieved. The record's \
            `warnings` field counts them.
            """,
        isReadOnly: true
    ) { invocation, environment in
        switch invocation.arguments {
        case []: environment.reply(LoopView.status(of: environment.reactor))
        case ["--slow"]: environment.reply(LoopView.slowRuns(of: environment.reactor))
        case ["--stalls"]: environment.reply(LoopView.stalls(of: environment.reactor))
        case ["--warnings"]: environment.reply(LoopView.warnings(of: environment.reactor))
        default: environment.fail("usage: loop [--slow | --stalls | --warnings]")
        }
    }
}
