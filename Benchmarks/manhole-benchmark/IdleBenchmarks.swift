import BenchmarkSupport
import Foundation
import NIOPosix
import Reactor

/// An idle host with a manhole: no sessions, no timers, nothing submitted. What its threads cost
/// in 10 s: CPU time and times they were scheduled (read from /proc/self/task/*/schedstat), each
/// thread named, beside a bare SwiftNIO event loop left idle for the same time. The goal
/// (issue 17): at most 1 ms of CPU, and no thread scheduled at all, once settled.
///
/// Each case runs in a process of its own. Once anything in a process has used one of
/// libdispatch's global queues (SwiftNIO's `shutdownGracefully` does, to call its completion
/// handler), libdispatch's workqueue monitor wakes its manager
/// thread once a second for the rest of the process's life. A case measured after another case's
/// shutdown would count that; the last case shows it on a bare SwiftNIO loop.
enum IdleBenchmarks {
    /// The cases, in the order printed; each is run by `runCase` in a child process.
    static let cases = [
        ("bare", "bare SwiftNIO event loop (baseline)"),
        ("reactor", "reactor alone"),
        ("manhole", "reactor + manhole, no sessions"),
        ("bare-after-dispatch", "bare SwiftNIO loop, after a global queue was used"),
    ]

    /// Runs every case in a child process (this executable with `--idle-case NAME`) and prints
    /// their reports in order.
    static func run(seconds: Int = 10) throws {
        print("\n## An idle host: \(seconds) s with nothing to do (threads scheduled, CPU used; each case in its own process)")
        for (name, _) in cases {
            fflush(nil)  // the child writes to the same stdout: keep the order
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--sections", "idle-case", "--idle-case", name]
            // Not `waitUntilExit()`, which spins on Linux: this process must stay idle too.
            let exited = DispatchSemaphore(value: 0)
            child.terminationHandler = { _ in exited.signal() }
            try child.run()
            exited.wait()
            child.waitUntilExit()  // returns at once now; releases the process's run-loop source
            if child.terminationStatus != 0 { print("  case \(name) failed: status \(child.terminationStatus)") }
        }
        print("  (libdispatch's manager thread, `-qos.overcommit`, wakes once a second in any process that has used a global queue;")
        print("   the last line shows it without a reactor or a manhole)")
    }

    /// Sets up the case called `name`, lets it settle, and reports its threads over `seconds`.
    static func runCase(_ name: String, seconds: Int = 10) throws {
        guard let title = cases.first(where: { $0.0 == name })?.1 else {
            print("unknown idle case \(name)")
            return
        }
        switch name {
        case "bare", "bare-after-dispatch":
            if name == "bare-after-dispatch" {
                let used = DispatchSemaphore(value: 0)
                DispatchQueue.global().async { used.signal() }
                used.wait()
            }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            Thread.sleep(forTimeInterval: 2)
            report(title, seconds: seconds)
            fflush(nil)
            try group.syncShutdownGracefully()
        case "reactor":
            let reactor = Reactor()
            Thread.sleep(forTimeInterval: 2)
            report(title, seconds: seconds)
            reactor.stop()
        default:
            let server = try BenchmarkManhole(namespace: ["app": "idle"])
            // Let start-up settle: the watchdog parks after a second without runs.
            Thread.sleep(forTimeInterval: 2)
            report(title, seconds: seconds)
            server.stop()
        }
    }

    /// Samples every thread but the caller's before and after `seconds` of sleep and prints the difference.
    private static func report(_ title: String, seconds: Int) {
        // /proc/thread-self links to PID/task/TID: the caller's own id, which sleeps meanwhile.
        let me = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"))?
            .split(separator: "/").last).flatMap { Int32($0) } ?? -1
        let before = threadStats().filter { $0.key != me }
        Thread.sleep(forTimeInterval: Double(seconds))
        let after = threadStats().filter { $0.key != me }
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
        print("\(pad(title, 50)) threads \(after.count) (\(after.values.map(\.name).sorted().joined(separator: ", "))), scheduled \(totalRuns) times, CPU \(totalCPU / 1_000) µs in \(seconds) s")
        for line in lines { print(line) }
        fflush(nil)
    }
}
