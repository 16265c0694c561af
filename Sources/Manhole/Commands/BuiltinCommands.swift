/// The commands every manhole has.
enum BuiltinCommands {
    static let all: [ShellCommand] = [
        SessionCommands.help, SessionCommands.whoami, SessionCommands.sessions, SessionCommands.kick, SessionCommands.quit,
        InspectionCommands.list, InspectionCommands.inspect, InspectionCommands.complete,
        ResultCommands.results, ResultCommands.result, ResultCommands.cancel,
        TimerCommands.timers, TimerCommands.cancelTimer,
        ProcessCommands.stats, ProcessCommands.reactor, ProcessCommands.loop,
        LogCommand.log, MetricsCommand.metrics,
        WatchCommands.watch, WatchCommands.unwatch, WatchCommands.watches,
    ]

    /// Every built-in name and alias, and `interrupt`: a session takes that line as the interrupt
    /// request before it looks for a command, so a host command of that name would never run.
    static let names: Set<String> = Set(all.flatMap { [$0.name] + $0.aliases } + ["interrupt"])

    /// A fresh table holding the built-ins.
    static func table() -> CommandTable {
        let table = CommandTable()
        for command in all { table.add(command) }
        return table
    }
}
