import Foundation
import ManholeClient
import ManholeWire

/// How every target of a fan-out logs in: one user, one password (resolved once), one set of
/// limits.
struct FanOutLogin: Sendable {
    /// The user name (`-u`).
    let user: String
    /// The password, asked for or read once for all targets.
    let password: String
    /// How long a read waits for the server.
    let timeout: Duration
    /// `--max-reply-bytes`: the largest reply read from any one target.
    let maximumReplyBytes: Int
    /// `--allow-weak-server-parameters`.
    let allowWeakServerParameters: Bool
}

/// What one target said, kept until every target has finished so that the output comes in the
/// order the targets were given, never interleaved.
struct TargetOutcome: Sendable {
    /// One write of the printer, to standard output or standard error.
    struct Entry: Sendable {
        /// Whether it went to standard error.
        let isError: Bool
        /// The text the printer wrote: already escaped for a terminal (or a JSON line).
        let text: String
    }

    /// The target.
    let target: FanOutTarget
    /// The printer's writes for the target's replies, in order.
    var entries: [Entry] = []
    /// Why the target could not be used (connect, login) or stopped answering, if it did.
    var failure: String?
    /// How the target's run ended.
    var status: ClientExitStatus = .success
}

/// A sink that keeps what the printer writes instead of writing it.
private final class CollectingSink: OutputSink {
    private(set) var entries: [TargetOutcome.Entry] = []

    func output(_ text: String) { entries.append(.init(isError: false, text: text)) }
    func error(_ text: String) { entries.append(.init(isError: true, text: text)) }

    /// Drops the last write when it went to standard error: the session's own report of a lost
    /// connection, which the fan-out words as the target's error line instead.
    func dropLastError() {
        if entries.last?.isError == true { entries.removeLast() }
    }
}

/// One command list run on many manholes at once: a thread per target (at most
/// ``TargetList/maximumCount``) connects, logs in and runs the commands in order; the caller
/// prints the outcomes once all are in.
enum FanOut {
    /// Runs `commands` on every target concurrently and returns each target's outcome, in the
    /// order of `targets`.
    /// - Parameters:
    ///   - targets: The manholes, in the order their outcomes are returned.
    ///   - commands: The command lines each target runs, in order.
    ///   - login: How every target is logged in: user, password, timeout and limits.
    ///   - mode: Text or JSON lines, as the replies are to be printed.
    ///   - colorOutput: Whether standard output is coloured (table headings).
    ///   - colorError: Whether standard error is coloured (`error:`).
    static func run(
        targets: [FanOutTarget], commands: [String], login: FanOutLogin,
        mode: ReplyPrinter.Mode, colorOutput: Bool, colorError: Bool
    ) -> [TargetOutcome] {
        let slots = OutcomeSlots(count: targets.count)
        let group = DispatchGroup()
        // A thread each: every connection blocks on its own socket, and the list is capped at 64.
        let threads = targets.enumerated().map { index, target in
            group.enter()
            return Thread {
                let outcome = runOne(
                    target, commands: commands, login: login, mode: mode, colorOutput: colorOutput, colorError: colorError)
                slots.set(outcome, at: index)
                group.leave()
            }
        }
        threads.forEach { $0.start() }
        group.wait()
        return slots.all.enumerated().map { index, outcome in
            outcome ?? TargetOutcome(target: targets[index], failure: "internal error: no outcome", status: .connectionFailed)
        }
    }

    /// Connects to one target, logs in and runs the commands, collecting what would be printed.
    static func runOne(
        _ target: FanOutTarget, commands: [String], login: FanOutLogin,
        mode: ReplyPrinter.Mode, colorOutput: Bool, colorError: Bool
    ) -> TargetOutcome {
        var outcome = TargetOutcome(target: target)
        let connection: ManholeConnection
        do {
            connection = try ManholeConnection(host: target.host, port: target.port, timeout: login.timeout)
            connection.maximumPayloadBytes = login.maximumReplyBytes
            try connection.login(
                user: login.user, password: login.password,
                minimumIterations: login.allowWeakServerParameters ? 1 : ScramClientExchange.defaultMinimumIterations,
                minimumSaltLength: login.allowWeakServerParameters ? 0 : ScramClientExchange.defaultMinimumSaltLength)
        } catch {
            outcome.failure = FailureText.explain(error)
            outcome.status = .connectionFailed
            return outcome
        }
        defer { connection.close() }
        let sink = CollectingSink()
        let session = Session(
            transport: connection,
            printer: ReplyPrinter(mode: mode, colorOutput: colorOutput, colorError: colorError, sink: sink))
        _ = session.run(lines: commands)
        if let reason = session.lostReason {
            sink.dropLastError()
            outcome.failure = "connection lost: \(reason)"
        }
        outcome.entries = sink.entries
        outcome.status = session.status
        return outcome
    }
}

/// Where the threads leave their outcomes, one slot per target. An `NSLock` (a pthread mutex):
/// `Synchronization.Mutex` is built on raw futexes ThreadSanitizer cannot see (docs/design.md).
private final class OutcomeSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [TargetOutcome?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func set(_ outcome: TargetOutcome, at index: Int) {
        lock.withLock { outcomes[index] = outcome }
    }

    var all: [TargetOutcome?] { lock.withLock { outcomes } }
}
