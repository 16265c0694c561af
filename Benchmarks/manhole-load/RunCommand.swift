import ArgumentParser
import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers

/// `manhole-load run`: N sessions × M verified commands (or a soak for a duration), with
/// latency, errors and the server's memory before and after. Exits 1 if any command failed.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "N sessions × M commands, every reply verified; or --soak for a duration.")

    @OptionGroup var target: ServerTarget

    @Option(name: .shortAndLong, help: "Concurrent sessions.")
    var sessions = 64

    @Option(name: .shortAndLong, help: "Commands per session.")
    var commands = 10_000

    @Option(help: "Soak: run for this many seconds instead of a command count, sampling the server's memory.")
    var soak: Int?

    @Option(help: "Seconds between memory samples in a soak.")
    var sampleEvery = 10

    @Option(help: "Upper bound on the run in seconds; the run stops there and fails if its commands are not done.")
    var timeLimit = 900

    @Option(help: "Server process id, for its memory when the server is not a child of this tool.")
    var serverPID: Int32?

    func validate() throws {
        guard (1...1_000).contains(sessions) else { throw ValidationError("--sessions must be 1…1000") }
        guard commands > 0, sampleEvery > 0, timeLimit > 0 else { throw ValidationError("counts and times must be positive") }
    }

    func run() throws {
        let endpoint = try target.connect()
        defer { endpoint.child?.stop() }
        let serverPID = self.serverPID
        let memory: @Sendable () -> Int? = {
            if let child = endpoint.child { return child.residentBytes }
            return serverPID.flatMap { ResidentMemory.bytes(ofProcess: $0) }
        }
        let runner = LoadRunner(endpoint: endpoint, workload: endpoint.child == nil ? .builtins : .full)
        let before = memory()
        let plan = LoadPlan(
            sessions: sessions, commandsPerSession: soak == nil ? commands : nil,
            duration: soak.map { .seconds($0) }, timeLimit: .seconds(timeLimit))
        print(soak.map { "soak: \(sessions) sessions for \($0) s on port \(endpoint.port)" }
            ?? "load: \(sessions) sessions × \(commands) commands on port \(endpoint.port)")
        let sampler = soak == nil ? nil : MemorySampler(every: .seconds(sampleEvery), progress: runner.progress, memory: memory)
        let report = runner.run(plan)
        let samples = sampler?.finish() ?? []
        let after = memory()
        LoadPrinter.print(report, memoryBefore: before, memoryAfter: after)
        if !samples.isEmpty { LoadPrinter.printSoak(samples) }
        if report.errors > 0 || report.hitTimeLimit { throw ExitCode(1) }
    }
}

/// The server's memory sampled on a timer during a soak, with the command rate between samples.
final class MemorySampler: @unchecked Sendable {
    struct Sample {
        let seconds: Double
        let commands: Int
        let residentBytes: Int?
    }

    private let stop = StopFlag()
    private let done = StopFlag()
    private let samples = NIOLockedValueBox<[Sample]>([])

    init(every interval: Duration, progress: NIOLockedValueBox<Int>, memory: @escaping @Sendable () -> Int?) {
        let start = ContinuousClock.now
        Thread.detachNewThread { [stop, done, samples] in
            var next = start + interval
            while !stop.isSet {
                if ContinuousClock.now < next {
                    usleep(100_000)
                    continue
                }
                next += interval
                let elapsed = ContinuousClock.now - start
                let sample = Sample(
                    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                    commands: progress.withLockedValue { $0 }, residentBytes: memory())
                samples.withLockedValue { $0.append(sample) }
                ProcessEnvironment.emit(String(format: "  %6.0f s  %9d commands  server RSS %@", sample.seconds, sample.commands,
                    sample.residentBytes.map(ResidentMemory.format) ?? "unknown"))
            }
            done.set()
        }
    }

    /// Stops sampling and returns the samples.
    func finish() -> [Sample] {
        stop.set()
        done.wait()
        return samples.withLockedValue { $0 }
    }
}

/// The report's printed form.
enum LoadPrinter {
    static func print(_ report: LoadReport, memoryBefore: Int?, memoryAfter: Int?) {
        let seconds = Double(report.commands.wallNanoseconds) / 1e9
        Swift.print(String(format: "commands: %d verified in %.1f s (%.0f/s)", report.commands.count, seconds, report.commands.perSecond)
            + (report.expected.map { " of \($0) planned" } ?? ""))
        Swift.print("errors: \(report.errors)" + (report.hitTimeLimit ? " (time limit reached before the plan was done)" : ""))
        for example in report.errorExamples { Swift.print("  \(example)") }
        Swift.print(String(format: "latency: p50 %.1f µs, p99 %.1f µs, max %.1f µs",
            Double(report.commands.median) / 1e3, Double(report.commands.p99) / 1e3, Double(report.commands.percentile(1)) / 1e3))
        Swift.print(String(format: "login: %d sessions, p50 %.1f ms, p99 %.1f ms",
            report.logins.count, Double(report.logins.median) / 1e6, Double(report.logins.p99) / 1e6))
        if let before = memoryBefore, let after = memoryAfter {
            Swift.print("server RSS: before \(ResidentMemory.format(before)), after \(ResidentMemory.format(after)) "
                + String(format: "(%+.1f MiB)", Double(after - before) / 1_048_576))
        } else {
            Swift.print("server RSS: unknown (give --server-pid for a server this tool did not start)")
        }
    }

    /// RSS drift over a soak: the mean of the last quarter of samples minus the first quarter's
    /// (the first sample, warm-up, left out), and the least-squares slope.
    static func printSoak(_ samples: [MemorySampler.Sample]) {
        let points = samples.dropFirst().compactMap { sample in sample.residentBytes.map { (sample.seconds, Double($0)) } }
        guard points.count >= 4 else {
            Swift.print("soak: too few memory samples for a drift (\(points.count)); run longer")
            return
        }
        let quarter = max(1, points.count / 4)
        let first = points.prefix(quarter).map(\.1).reduce(0, +) / Double(quarter)
        let last = points.suffix(quarter).map(\.1).reduce(0, +) / Double(quarter)
        let meanX = points.map(\.0).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.1).reduce(0, +) / Double(points.count)
        let covariance = points.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +)
        let variance = points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
        let slope = variance > 0 ? covariance / variance : 0
        let peak = points.map(\.1).max() ?? 0
        Swift.print(String(format: "soak RSS drift: first quarter %.1f MiB, last quarter %.1f MiB (%+.2f MiB), slope %+.3f MiB/min, peak %.1f MiB",
            first / 1_048_576, last / 1_048_576, (last - first) / 1_048_576, slope * 60 / 1_048_576, peak / 1_048_576))
    }
}
