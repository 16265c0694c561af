import BenchmarkSupport
import Foundation
import ManholeClient
import ManholeSSH

/// Issue 20's benchmark: in an interactive session over a pty (stock `ssh -tt`), one command line
/// sent and the time until the next prompt, beside the native client's `whoami` in the same run
/// and, with `--ssh-peer-port`, Twisted Conch's manhole over SSH (scripts/compare.sh starts it).
///
/// The method is scripts/compare's: 200 warm-up lines, then 3 runs of 2,000 one at a time; each
/// run's p50 and p99 are printed, then the medians of the runs, and a Markdown row
/// (`| system | p50 µs | p99 µs | commands/s |`) that compare.sh collects.
enum SSHBenchmarks {
    /// Issue 20's target for the SSH shell's p50, in nanoseconds.
    static let targetP50 = 200_000

    /// What one session types and waits for: the command line, a piece of its reply that neither
    /// the echo nor the prompt holds, and the prompt.
    struct Exchange {
        var line: String
        var reply: [UInt8]
        var prompt: [UInt8]
    }

    /// One run's figures: p50, p99 (nanoseconds) and lines per second.
    typealias Figures = PeerComparison.Figures

    /// Ours: a manhole in this process with its SSH listener, production settings (PBKDF2 count,
    /// budget, limits), `whoami` over ssh beside `whoami` over the native protocol.
    static func run() throws {
        print("\n## SSH shell: stock `ssh -tt` (a pty on the server, sshpass, password login), `whoami`; "
            + "\(PeerComparison.warmup) warm-up, \(PeerComparison.runs) × \(PeerComparison.count) lines, each from its "
            + "write to the next prompt; beside the native client's `whoami` in the same run")
        // Both sessions are the one account's: the default allows 4 per user.
        let server = try BenchmarkManhole(namespace: ["config": ChildManhole.Config()])
        defer { server.stop() }
        // Stopped with the reactor (`server.stop()`), as the listener's documentation says.
        let listener = try server.manhole.startSSH(SSHConfiguration(port: 0))
        let ssh = try SSHClientProcess(port: listener.port, user: BenchmarkManhole.user, password: BenchmarkManhole.password)
        defer { ssh.stop() }
        let native = try server.connect()
        defer { native.close() }
        // `whoami` prints `role  …` (the prompt and the echo do not), then the prompt.
        let exchange = Exchange(line: "whoami\r", reply: Array("role".utf8), prompt: Array("\(BenchmarkManhole.user)@manhole> ".utf8))
        try ssh.read(through: exchange.prompt)
        let nativeCall = {
            let frame = try native.run("whoami")
            guard frame.kind == .ok else { throw PeerComparison.UnexpectedReply(command: "whoami", frame: frame) }
        }
        for _ in 0..<PeerComparison.warmup {
            try round(ssh, exchange)
            try nativeCall()
        }
        print(pad("run", 8) + padLeft("ssh p50 µs", 12) + padLeft("ssh p99 µs", 12) + padLeft("native p50 µs", 15)
            + padLeft("native p99 µs", 15) + padLeft("p50 ssh/native", 16))
        var sshRuns: [Figures] = []
        var nativeRuns: [Figures] = []
        for run in 1...PeerComparison.runs {
            sshRuns.append(try measure { try round(ssh, exchange) })
            nativeRuns.append(try measure(nativeCall))
            printLine("\(run)", sshRuns[run - 1], nativeRuns[run - 1])
        }
        let (sshMedian, nativeMedian) = (medians(sshRuns), medians(nativeRuns))
        printLine("median", sshMedian, nativeMedian)
        print("(target: ssh p50 ≤ \(targetP50 / 1_000) µs: \(sshMedian.p50 <= targetP50 ? "met" : "not met"); "
            + "Twisted Conch's manhole over SSH: bash scripts/compare.sh)")
        printRow("ours (SSH, pty, password login): whoami", sshMedian)
    }

    /// A peer's SSH shell, timed the same way: Twisted Conch's manhole as
    /// scripts/compare/twisted_ssh_host.py serves it, `len(app.items)` up to the next `>>> `. The
    /// password comes from `SSHPASS`, as sshpass takes it.
    static func runPeer(port: Int, user: String) throws {
        guard let password = ProcessInfo.processInfo.environment["SSHPASS"] else {
            throw BenchmarkError("--ssh-peer-port needs the peer's password in SSHPASS")
        }
        print("\n## SSH shell of a peer on port \(port): stock `ssh -tt` (sshpass, password login as \(user)), "
            + "`len(app.items)` up to the next `>>> `; \(PeerComparison.warmup) warm-up, \(PeerComparison.runs) × "
            + "\(PeerComparison.count) lines")
        print(pad("run", 8) + padLeft("p50 µs", 12) + padLeft("p99 µs", 12))
        let ssh = try SSHClientProcess(port: port, user: user, password: password)
        defer { ssh.stop() }
        // The manhole's line editor echoes the line, then prints the value on a line of its own.
        let exchange = Exchange(line: "len(app.items)\r", reply: Array("\n1000\r".utf8), prompt: Array(">>> ".utf8))
        try ssh.read(through: exchange.prompt)
        for _ in 0..<PeerComparison.warmup { try round(ssh, exchange) }
        var runs: [Figures] = []
        for run in 1...PeerComparison.runs {
            runs.append(try measure { try round(ssh, exchange) })
            print(pad("\(run)", 8) + micros(runs[run - 1].p50, 12) + micros(runs[run - 1].p99, 12))
        }
        let median = medians(runs)
        print(pad("median", 8) + micros(median.p50, 12) + micros(median.p99, 12))
        printRow("Twisted Conch manhole (SSH, pty, password login): len(app.items)", median)
    }

    /// One line typed and its reply and prompt read.
    private static func round(_ ssh: SSHClientProcess, _ exchange: Exchange) throws {
        try ssh.send(exchange.line)
        try ssh.read(through: exchange.prompt, after: exchange.reply)
    }

    /// One run: `PeerComparison.count` calls back to back, each timed.
    private static func measure(_ call: () throws -> Void) throws -> Figures {
        var samples = Samples(capacity: PeerComparison.count)
        let start = now()
        for _ in 0..<PeerComparison.count { samples.append(try time(call)) }
        samples.wallNanoseconds = now() - start
        return Figures(p50: samples.median, p99: samples.p99, perSecond: samples.perSecond)
    }

    private static func medians(_ runs: [Figures]) -> Figures {
        func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        return Figures(p50: median(runs.map(\.p50)), p99: median(runs.map(\.p99)), perSecond: median(runs.map(\.perSecond)))
    }

    private static func printLine(_ label: String, _ ssh: Figures, _ native: Figures) {
        print(pad(label, 8) + micros(ssh.p50, 12) + micros(ssh.p99, 12) + micros(native.p50, 15) + micros(native.p99, 15)
            + padLeft(formatRatio(ssh.p50, native.p50), 16))
        fflush(nil)
    }

    /// `nanoseconds` as microseconds with one decimal, right-aligned to `width`.
    private static func micros(_ nanoseconds: Int, _ width: Int) -> String {
        padLeft(String(format: "%.1f", Double(nanoseconds) / 1_000), width)
    }

    /// The row compare.sh collects (the form PeerComparison prints).
    private static func printRow(_ system: String, _ figures: Figures) {
        print("| \(system) | " + String(format: "%.1f | %.1f | %.0f |", Double(figures.p50) / 1_000, Double(figures.p99) / 1_000, figures.perSecond))
        fflush(nil)
    }
}
