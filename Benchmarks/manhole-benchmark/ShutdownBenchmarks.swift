import BenchmarkSupport
import Foundation
import ManholeTesting
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers
import Synchronization

/// Shutdown under load: how long a process with a manhole takes to end once told to, measured
/// from outside. The child is `manhole-shutdown-probe` (built beside this benchmark): 100 threads
/// blocked in `waitFor` and 1,000 timers pending, with either no sessions (the baseline) or 64
/// sessions running commands back to back. It is told `stop` (`Reactor.stop()`, then return from
/// main) or `return` (return from main at once: the reactor's `atexit` handler stops it). The
/// goal, from the issue: the process ends within one second.
enum ShutdownBenchmarks {
    static let goal = 1_000_000_000

    static func run(runs: Int) throws {
        print("\n## Shutdown under load — 100 threads in waitFor, 1,000 timers; \(runs) runs each; goal: exit within 1 s")
        guard let executable = try? ShutdownProbe.executable() else {
            print("manhole-shutdown-probe not found beside the benchmark: skipped")
            return
        }
        print(pad("command  sessions", 28) + padLeft("exit p50 ms", 13) + padLeft("exit max ms", 13)
            + padLeft("max vs goal", 13) + padLeft("goodbyes", 10) + "  outcomes")
        for command in ["stop", "return"] {
            for sessions in [0, 64] {
                var exits = Samples(capacity: runs)
                var goodbyes = 0
                var problems: Set<String> = []
                for _ in 0..<runs {
                    let run = try runOnce(executable: executable, command: command, sessions: sessions)
                    exits.append(run.exitNanoseconds)
                    goodbyes += run.goodbyes
                    problems.formUnion(run.problems)
                }
                let maximum = exits.percentile(1)
                print(pad("\(command)   \(sessions == 0 ? "0 (baseline)" : "\(sessions) busy")", 28)
                    + padLeft(String(format: "%.1f", Double(exits.median) / 1e6), 13)
                    + padLeft(String(format: "%.1f", Double(maximum) / 1e6), 13)
                    + padLeft(formatRatio(maximum, goal), 13)
                    + padLeft(sessions == 0 ? "-" : "\(goodbyes)/\(sessions * runs)", 10)
                    + "  " + (problems.isEmpty ? "ok" : problems.sorted().joined(separator: "; ")))
            }
        }
        print("(exit: from writing the command to the probe's stdin to its exit; outcomes: every waiter got "
            + "`stopped`, no timer fired after stop, status 0)")
    }

    /// What the session threads count.
    final class Counters: Sendable {
        let warmedUp = Atomic<Int>(0)
        let goodbyes = Atomic<Int>(0)
    }

    struct Run {
        var exitNanoseconds: Int
        var goodbyes: Int
        var problems: [String]
    }

    /// One probe: start it, get `sessions` busy, send `command`, time the exit.
    static func runOnce(executable: URL, command: String, sessions: Int) throws -> Run {
        let probe = try ChildProcess.launch(executable)
        defer { probe.kill() }
        var problems: [String] = []
        guard let ready = probe.firstLine(startingWith: "ready ", within: .seconds(60)),
            let port = ready.split(separator: " ").first(where: { $0.hasPrefix("port=") }).flatMap({ Int($0.dropFirst(5)) })
        else {
            throw BenchmarkFailure("the probe never became ready")
        }

        // Busy sessions: each logs in, then runs `whoami` back to back until the server ends it.
        let counters = Counters()
        let sessionsDone = DispatchGroup()
        for _ in 0..<sessions {
            sessionsDone.enter()
            Thread.detachNewThread {
                defer { sessionsDone.leave() }
                guard let connection = try? ManholeConnection(port: port, timeout: .seconds(20)),
                    (try? connection.login(user: ShutdownProbe.user, password: ShutdownProbe.password, minimumIterations: FastLogin.iterations)) != nil
                else { return }
                var count = 0
                var goodbye = false
                while !goodbye, (try? connection.socket.write("whoami\n")) != nil,
                    let frame = try? connection.readFrame()
                {
                    goodbye = frame.kind == .bye
                    count += 1
                    if count == 3 { counters.warmedUp.add(1, ordering: .relaxed) }
                }
                // A refused write: the goodbye may still be waiting to be read.
                while !goodbye, let frame = try? connection.readFrame() { goodbye = frame.kind == .bye }
                if goodbye { counters.goodbyes.add(1, ordering: .relaxed) }
                connection.close()
            }
        }
        let warmDeadline = ContinuousClock.now + .seconds(60)
        while counters.warmedUp.load(ordering: .relaxed) < sessions, ContinuousClock.now < warmDeadline { usleep(1_000) }
        if counters.warmedUp.load(ordering: .relaxed) < sessions { problems.append("not every session got going") }

        let start = now()
        probe.send(command)
        probe.closeInput()
        guard probe.waitForExit(within: .seconds(60)) else {
            throw BenchmarkFailure("the probe did not exit after '\(command)'")
        }
        let elapsed = now() - start
        _ = sessionsDone.wait(timeout: .now() + .seconds(20))

        let text = probe.output
        if !text.contains("waiters stopped=100 other=0") { problems.append("waiters: \(line(in: text, "waiters"))") }
        if !text.contains("timers fired-after-stop=0 ") { problems.append("timers: \(line(in: text, "timers"))") }
        if !probe.exitedNormally || probe.status != 0 { problems.append("status \(probe.status)") }
        return Run(exitNanoseconds: elapsed, goodbyes: counters.goodbyes.load(ordering: .relaxed), problems: problems)
    }

    private static func line(in text: String, _ prefix: String) -> String {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? "missing"
    }
}

/// The benchmark could not run its scenario.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
