import Inspector
import NIOCore
import Reactor

/// `stats`, `reactor`.
enum ProcessCommands {
    static let stats = ShellCommand(
        name: "stats", usage: "stats", summary: "Process figures: memory, threads, open files, uptime, CPU time.",
        isReadOnly: true
    ) { _, environment in
        environment.reply(environment.inspector.processTable())
    }

    static let reactor = ShellCommand(
        name: "reactor", usage: "reactor", summary: "Reactor status: uptime, timers, results, sessions.",
        isReadOnly: true
    ) { _, environment in
        let reactor = environment.reactor
        let counts = reactor.resultCounts
        let sessions = environment.state.sessions
        let status: [(String, String)] = [
            ("uptime", formatDuration(Duration.nanoseconds((NIODeadline.now() - reactor.startedAt).nanoseconds))),
            ("stopped", "\(reactor.isStopped)"),
            ("live timers", "\(reactor.timerCount)"),
            ("tracked results", "\(counts.tracked)"),
            ("stashed results", "\(counts.stashed)"),
            ("sessions", "\(sessions.filter { $0.user != nil }.count) logged in, \(sessions.filter { $0.user == nil }.count) logging in"),
            ("manhole uptime", formatDuration(Duration.nanoseconds((NIODeadline.now() - environment.startedAt).nanoseconds))),
        ]
        let text = alignedTable(status.map { [$0.0, $0.1] })
        return environment.reply(Reply(text: text, encoding: Dictionary(uniqueKeysWithValues: status)))
    }
}
