import BenchmarkSupport
import Foundation
import ArgumentParser

/// `swift run -c release manhole-benchmark`: latency and cost figures, each beside its baseline
/// measured in the same run. Not a test: it prints numbers and ratios, it asserts nothing.
struct ManholeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manhole-benchmark",
        abstract: "Measures Manhole's costs beside their baselines (run in release mode).")

    @Option(help: "Calls per thread in the round-trip benchmarks.")
    var calls = 20_000

    @Option(help: "Live timers and stashed results in the registry benchmarks.")
    var entries = 100_000

    @Option(help: "Commands per session in the manhole round-trip benchmark.")
    var commands = 10_000

    @Option(help: "Runs per case in the shutdown benchmark.")
    var shutdownRuns = 5

    @Option(help: "Sections to run: reactor, gather, registry, inspector, manhole, wedged, shutdown (comma-separated) or all; also hostile-inspector, login-work, peers, ssh, idle, log-flood and metrics (not in all).")
    var sections = "all"

    @Option(help: "Seconds per case and round in the log-flood benchmark.")
    var floodSeconds = 2.0

    @Option(help: "With --sections ssh: time Twisted Conch's manhole over SSH on this loopback port instead of ours (the password in SSHPASS; scripts/compare.sh starts it).")
    var sshPeerPort: Int?

    @Option(help: "With --ssh-peer-port: the peer's user.")
    var sshPeerUser = "admin"

    @Flag(help: "Keep one core busy throughout (a process spinning on it), to take every figure with one busy core beside the idle run. The reactor section's loaded half then has two.")
    var busy = false

    @Option(help: .hidden)
    var idleCase: String?

    @Flag(help: .hidden)
    var serve = false

    func run() throws {
        if serve { return try ChildManhole.serve() }
        if let idleCase {
            try IdleBenchmarks.runCase(idleCase)
            return
        }
        let wanted = Set(sections.split(separator: ",").map(String.init))
        let all = wanted.contains("all")
        let spinner = busy ? try BusyProcess() : nil
        defer { spinner?.stop() }
        print("# Manhole benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores\(busy ? ", one kept busy by a spinning process" : ""))")
        if all || wanted.contains("reactor") {
            ReactorBenchmarks.run(perThread: calls, loaded: false)
            ReactorBenchmarks.run(perThread: calls, loaded: true)
        }
        if all || wanted.contains("gather") { try GatherBenchmarks.run(rounds: min(calls, 2_000)) }
        if all || wanted.contains("registry") { RegistryBenchmarks.run(count: entries) }
        if all || wanted.contains("inspector") {
            print("\n## Inspector")
            runInspectorBenchmarks()
        }
        if wanted.contains("hostile-inspector") { runHostileInspectorBenchmarks() }
        if wanted.contains("login-work") { try LoginWorkBenchmarks.run() }
        if wanted.contains("idle") { try IdleBenchmarks.run() }
        if all || wanted.contains("manhole") { try ManholeBenchmarks.run(commandsPerSession: commands) }
        if all || wanted.contains("wedged") { try WedgedReactorBenchmarks.run(commands: min(commands, 2_000)) }
        if all || wanted.contains("shutdown") { try ShutdownBenchmarks.run(runs: shutdownRuns) }
        if wanted.contains("peers") { try PeerComparison.run() }
        if wanted.contains("ssh") { try sshPeerPort.map { try SSHBenchmarks.runPeer(port: $0, user: sshPeerUser) } ?? SSHBenchmarks.run() }
        if wanted.contains("log-flood") { try LogFloodBenchmarks.run(seconds: floodSeconds, rounds: 3) }
        if wanted.contains("metrics") { MetricsBenchmarks.run() }
    }
}

ManholeBenchmark.main()
