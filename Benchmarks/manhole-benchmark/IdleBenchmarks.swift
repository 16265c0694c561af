import BenchmarkSupport
import Foundation
import NIOPosix
import Reactor

/// An idle host with a manhole: no sessions, no timers, nothing submitted. What its threads cost
/// in 10 s: CPU time and times they were scheduled (read from /proc/self/task/*/schedstat), each
/// thread named, beside a bare SwiftNIO event loop left idle for the same time. The goal
/// (issue 17): at most 1 ms of CPU, and no thread scheduled at all, once settled.
enum IdleBenchmarks {
    static func run(seconds: Int = 10) throws {
        print("\n## An idle host: \(seconds) s with nothing to do (threads scheduled, CPU used)")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        report("bare SwiftNIO event loop (baseline)", seconds: seconds)
        try group.syncShutdownGracefully()

        let reactor = Reactor()
        Thread.sleep(forTimeInterval: 2)
        report("reactor alone", seconds: seconds)
        reactor.stop()

        let server = try BenchmarkManhole(namespace: ["app": "idle"])
        defer { server.stop() }
        // Let start-up settle: the watchdog parks after a second without runs.
        Thread.sleep(forTimeInterval: 2)
        report("reactor + manhole, no sessions", seconds: seconds)
    }

    /// Samples every thread but the caller's before and after `seconds` of sleep and prints the difference.
    private static func report(_ title: String, seconds: Int) {
        // /proc/thread-self links to PID/task/TID: the caller's own id, which sleeps meanwhile.
        let me = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"))?
            .split(separator: "/").last).flatMap { Int32($0) } ?? -1
        let before = threads(except: me)
        Thread.sleep(forTimeInterval: Double(seconds))
        let after = threads(except: me)
        var totalCPU = 0
        var totalRuns = 0
        var lines: [String] = []
        for (tid, end) in after.sorted(by: { $0.key < $1.key }) {
            let start = before[tid] ?? (name: end.name, cpu: 0, runs: 0)
            let cpu = end.cpu - start.cpu
            let runs = end.runs - start.runs
            totalCPU += cpu
            totalRuns += runs
            if runs > 0 { lines.append("    \(pad(end.name, 20)) scheduled \(runs) times, \(cpu / 1_000) µs CPU") }
        }
        print("\(pad(title, 40)) threads \(after.count) (\(after.values.map(\.name).sorted().joined(separator: ", "))), scheduled \(totalRuns) times, CPU \(totalCPU / 1_000) µs in \(seconds) s")
        for line in lines { print(line) }
    }

    /// Each thread's name, CPU nanoseconds and times scheduled, by thread id.
    private static func threads(except skipped: Int32) -> [Int32: (name: String, cpu: Int, runs: Int)] {
        var result: [Int32: (name: String, cpu: Int, runs: Int)] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for entry in tasks {
            guard let tid = Int32(entry), tid != skipped,
                let stat = try? String(contentsOfFile: "/proc/self/task/\(entry)/schedstat", encoding: .utf8)
            else { continue }
            let fields = stat.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count >= 3 else { continue }
            let name = (try? String(contentsOfFile: "/proc/self/task/\(entry)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            result[tid] = (name, fields[0], fields[2])
        }
        return result
    }
}
