import ArgumentParser

/// `manhole-load`: drives a manhole with many concurrent sessions, verifies every reply and
/// reports latency, errors and the server's memory; measures whether the host's own work keeps
/// its pace under that load. Loopback only, bounded in time and count.
struct ManholeLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manhole-load",
        abstract: "Load, soak and host-impact runs against a manhole on loopback.",
        subcommands: [RunCommand.self, HostBenchmarkCommand.self, ServeCommand.self],
        defaultSubcommand: RunCommand.self)
}

ManholeLoad.main()
