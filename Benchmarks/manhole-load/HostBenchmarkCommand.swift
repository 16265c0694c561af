import ArgumentParser
import Foundation

/// `manhole-load host-benchmark`: does a manhole under full load slow its host? Starts the
/// `serve` child with blocking work on its main thread, and counts that work's jobs per second
/// in alternating phases: alone, then while sessions hammer the manhole at full speed. Prints
/// the ratio (the goal is ≥ 0.95 on a 2-core machine).
struct HostBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host-benchmark",
        abstract: "The host's blocking-work throughput alone and under full manhole load, and their ratio.")

    @Option(name: .shortAndLong, help: "Concurrent sessions during the load phases.")
    var sessions = 64

    @Option(help: "Seconds per phase.")
    var phase = 5

    @Option(help: "Rounds of (alone, under load).")
    var rounds = 3

    @Option(help: "The child server's shell share of the reactor thread (default: the library's).")
    var shellShare: Double?

    @Option(help: "What the sessions send: full (the verified mix) or expensive (the costliest commands against million-element objects).")
    var workload = WorkloadName.full

    func run() throws {
        let expensive = workload == .expensive
        let child = try ServerProcess.launch(hostWork: true, shellShare: shellShare, bigObjects: expensive)
        defer { child.stop() }
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: child.port, user: ServeCommand.user, password: child.password, child: child)
        let runner = LoadRunner(endpoint: endpoint, workload: expensive ? .expensive : .full)
        print("# host throughput alone and under manhole load (\(ProcessInfo.processInfo.activeProcessorCount) cores, \(sessions) sessions, \(phase) s phases, \(workload.rawValue) commands)")
        Thread.sleep(forTimeInterval: 2)  // warm-up
        if expensive { try ExpensiveCommandTimes.measure(endpoint) }
        var alone = Throughput()
        var loaded = Throughput()
        var commands = 0
        var errors = 0
        for round in 1...rounds {
            let startAlone = try child.jobs()
            Thread.sleep(forTimeInterval: Double(phase))
            let endAlone = try child.jobs()
            alone.add(from: startAlone, to: endAlone)

            var start: (count: Int, nanoseconds: Int)?
            var end: (count: Int, nanoseconds: Int)?
            let report = runner.run(
                LoadPlan(sessions: sessions, commandsPerSession: nil, duration: .seconds(phase), timeLimit: .seconds(phase)),
                onStart: { start = try? child.jobs() },
                onEnd: { end = try? child.jobs() })
            guard let start, let end else { throw LoadError.server("the child did not report its jobs") }
            let window = (start: start, end: end)
            loaded.add(from: window.start, to: window.end)
            commands += report.commands.count
            errors += report.errors
            print(String(format: "round %d: alone %.1f jobs/s, under load %.1f jobs/s (%.0f commands/s, %d errors)",
                round, Throughput.rate(startAlone, endAlone), Throughput.rate(window.start, window.end),
                report.commands.perSecond, report.errors))
            for example in report.errorExamples { print("  \(example)") }
        }
        print(String(format: "host jobs/s: alone %.1f, under load %.1f, ratio %.3f (goal ≥ 0.95); %d commands served, %d errors",
            alone.rate, loaded.rate, loaded.rate / alone.rate, commands, errors))
    }
}

/// The workloads `host-benchmark` can apply.
enum WorkloadName: String, ExpressibleByArgument, CaseIterable {
    case full
    case expensive
}

/// Jobs over time, summed over phases.
struct Throughput {
    private var jobs = 0
    private var nanoseconds = 0

    mutating func add(from start: (count: Int, nanoseconds: Int), to end: (count: Int, nanoseconds: Int)) {
        jobs += end.count - start.count
        nanoseconds += end.nanoseconds - start.nanoseconds
    }

    var rate: Double { nanoseconds > 0 ? Double(jobs) / (Double(nanoseconds) / 1e9) : 0 }

    static func rate(_ start: (count: Int, nanoseconds: Int), _ end: (count: Int, nanoseconds: Int)) -> Double {
        var throughput = Throughput()
        throughput.add(from: start, to: end)
        return throughput.rate
    }
}
