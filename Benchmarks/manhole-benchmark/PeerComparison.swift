import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers
import Reactor

/// Our side of `scripts/compare.sh` (issue 17): the manhole's round trips and `Reactor.waitFor`,
/// measured with the one method the script uses for every peer (scripts/compare/method.py), so
/// the figures sit in one table beside python-manhole, Twisted's manhole and Crochet.
///
/// The method: one session (or each of N threads), 200 warm-up calls, then 3 runs of 2,000 calls
/// back to back; each run gives p50, p99 and calls per second over its wall time; the figures
/// printed are the medians of the 3 runs. Rows are Markdown, `| system | p50 µs | p99 µs |
/// commands/s |`, which compare.sh collects as they are.
enum PeerComparison {
    /// Untimed calls per session or thread before the runs.
    static let warmup = 200
    /// Timed runs; the median of their figures is reported.
    static let runs = 3
    /// Timed calls per session or thread in one run.
    static let count = 2_000

    /// A reply that is not the command's success: the row would time something else.
    struct UnexpectedReply: Error, CustomStringConvertible {
        let command: String
        let frame: Frame
        var description: String { "\(command) answered \(frame.kind.rawValue): \(frame.payload)" }
    }

    /// The medians of a measurement's runs.
    struct Figures {
        var p50: Int
        var p99: Int
        var perSecond: Double
    }

    static func run() throws {
        print("\n## Peer comparison, our side (scripts/compare.sh runs the peers): \(warmup) warm-up, "
            + "\(runs) × \(count) calls, medians of the runs")
        print("| system | p50 µs | p99 µs | commands/s |")
        print("|---|---|---|---|")
        try measureShell()
        measureWaitFor()
    }

    /// One logged-in session over TCP loopback to a manhole in a child process (like the peers'
    /// hosts, which compare.sh starts apart from their clients), on an idle reactor: the 3-segment
    /// `inspect`, then `whoami`, which needs no reactor.
    private static func measureShell() throws {
        let server = try ChildManhole()
        defer { server.stop() }
        let connection = try server.connect()
        defer { connection.close() }
        for command in ["inspect config.retry.attempts", "whoami"] {
            let figures = try measure {
                let frame = try connection.run(command)
                guard frame.kind == .ok else { throw UnexpectedReply(command: command, frame: frame) }
            }
            printRow("ours (TCP, logged in): \(command)", figures)
        }
    }

    /// `waitFor` of a body returning a constant, from 1 and 4 threads: Crochet's `wait_for` row.
    private static func measureWaitFor() {
        let reactor = Reactor()
        defer { reactor.stop() }
        for threads in [1, 4] {
            let figures = measureThreads(threads) {
                _ = try! reactor.waitFor(timeout: .seconds(10)) { 1 }
            }
            printRow("ours Reactor.waitFor, \(threads) thread\(threads > 1 ? "s" : "")", figures)
        }
    }

    /// The method on the calling thread: one session's client is one thread.
    private static func measure(_ call: () throws -> Void) throws -> Figures {
        for _ in 0..<warmup { try call() }
        var perRun: [Figures] = []
        for _ in 0..<runs {
            var samples = Samples(capacity: count)
            let start = now()
            for _ in 0..<count { samples.append(try time(call)) }
            samples.wallNanoseconds = now() - start
            perRun.append(Figures(p50: samples.median, p99: samples.p99, perSecond: samples.perSecond))
        }
        return medians(perRun)
    }

    /// The method from `threads` threads at once, each with its warm-up; a run's samples are pooled.
    private static func measureThreads(_ threads: Int, _ call: @escaping @Sendable () -> Void) -> Figures {
        var perRun: [Figures] = []
        for run in 0..<runs {
            let samples = ReactorBenchmarks.measure(threads: threads, perThread: count, warmup: run == 0 ? warmup : 0) { _ in
                call()
            }
            perRun.append(Figures(p50: samples.median, p99: samples.p99, perSecond: samples.perSecond))
        }
        return medians(perRun)
    }

    private static func medians(_ perRun: [Figures]) -> Figures {
        func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        return Figures(
            p50: median(perRun.map(\.p50)), p99: median(perRun.map(\.p99)), perSecond: median(perRun.map(\.perSecond)))
    }

    private static func printRow(_ system: String, _ figures: Figures) {
        print("| \(system) | " + String(format: "%.1f | %.1f | %.0f |", Double(figures.p50) / 1_000, Double(figures.p99) / 1_000, figures.perSecond))
        fflush(nil)  // compare.sh shows each row as it comes, through a pipe
    }
}
