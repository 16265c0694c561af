import ManholeClient
import ManholeWire

/// The client's side of a logged-in session, without a terminal: runs command lines, prints
/// their replies, asks for completions, keeps the exit status, and reports a lost connection
/// exactly once. Not thread-safe: the client's single thread uses it.
final class Session {
    /// What happened to one line.
    enum Outcome: Equatable, Sendable {
        /// The line was run (or skipped); read the next one.
        case proceed
        /// The user quit and the server said goodbye.
        case ended
        /// The connection is gone; the session cannot go on.
        case lost
    }

    private let transport: any CommandTransport
    private let printer: ReplyPrinter
    /// The worst outcome so far, which becomes the exit status.
    private(set) var status: ClientExitStatus = .success
    /// Why the connection was lost, once it has been.
    private(set) var lostReason: String?

    /// Creates a session over a logged-in transport.
    init(transport: any CommandTransport, printer: ReplyPrinter) {
        self.transport = transport
        self.printer = printer
    }

    /// Whether `--json` output was asked for (commands are then sent as `@json`).
    private var wantsJSON: Bool { printer.mode == .jsonLines }

    /// Runs one raw input line: blank lines and `#` comments are skipped, anything else is sent
    /// and its reply printed. An `ERR` reply makes the exit status 1.
    func run(_ line: some StringProtocol) -> Outcome {
        guard lostReason == nil else { return .lost }
        guard case .command(let command) = InputLine(line) else { return .proceed }
        let frame: Frame
        do {
            frame = try transport.send(command, json: wantsJSON && !command.hasPrefix("@json"))
        } catch {
            return connectionLost(FailureText.explain(error))
        }
        lastSucceeded = frame.kind == .ok
        switch frame.kind {
        case .ok:
            printer.reply(to: command, ok: true, payload: frame.payload, isJSON: frame.format == .json)
            showInterruptAnswers()
            if InputLine.isQuit(command) { return .ended }
            showNotices()
            return .proceed
        case .error:
            status = max(status, .commandFailed)
            printer.reply(to: command, ok: false, payload: frame.payload, isJSON: frame.format == .json)
            showInterruptAnswers()
            showNotices()
            return .proceed
        case .bye:
            return connectionLost("the server ended the session: \(frame.payload.trimmingWhitespace)")
        case .hello, .challenge, .welcome, .denied, .notice:
            // ManholeConnection keeps notices apart (``ManholeConnection/takeNotices()``).
            return connectionLost("protocol error: unexpected \(frame.kind.rawValue) reply")
        }
    }

    /// Whether the last command's reply was `OK`.
    private(set) var lastSucceeded = false

    /// The notices that arrived since the last look, read without waiting; `nil` once the
    /// connection is found lost (recorded for ``reportLoss()``).
    func arrivedNotices() -> [Frame]? {
        guard lostReason == nil else { return nil }
        do {
            if let frame = try transport.readArrived() {
                lostReason = frame.kind == .bye
                    ? "the server ended the session: \(frame.payload.trimmingWhitespace)"
                    : "protocol error: unexpected \(frame.kind.rawValue) between replies"
                status = .connectionFailed
                return nil
            }
        } catch {
            lostReason = FailureText.explain(error)
            status = .connectionFailed
            return nil
        }
        return transport.takeNotices()
    }

    /// Prints the notices kept while the last reply was read, then those that have arrived since.
    func showNotices() {
        transport.takeNotices().forEach(printer.notice)
        arrivedNotices()?.forEach(printer.notice)
    }

    /// Shows what a follow (`log --follow`) streams until Ctrl-C interrupts it, then the
    /// server's answer to the interrupt.
    func follow() -> Outcome {
        guard lostReason == nil else { return .lost }
        let answers: [Frame]
        do {
            answers = try transport.follow(showing: printer.notice)
        } catch {
            return connectionLost(FailureText.explain(error))
        }
        if let bye = answers.first(where: { $0.kind == .bye }) {
            return connectionLost("the server ended the session: \(bye.payload.trimmingWhitespace)")
        }
        show(interruptAnswers: answers)
        return .proceed
    }

    private func showInterruptAnswers() { show(interruptAnswers: transport.takeInterruptAnswers()) }

    private func show(interruptAnswers: [Frame]) {
        for answer in interruptAnswers {
            printer.reply(to: "interrupt", ok: answer.kind == .ok, payload: answer.payload, isJSON: answer.format == .json)
        }
    }

    /// Runs lines until one ends the session; returns how it ended (`.proceed` when the lines ran out).
    func run(lines: some Sequence<String>) -> Outcome {
        for line in lines {
            let outcome = run(line)
            if outcome != .proceed { return outcome }
        }
        showNotices()
        return .proceed
    }

    /// What Tab does for `lineBeforeCursor`, asking the server for candidates. A failed
    /// `complete` completes nothing; a lost connection is recorded (and reported once by
    /// ``reportLoss()``) and ends the prompt.
    func completion(for lineBeforeCursor: String) -> Completion {
        guard lostReason == nil else { return .connectionLost }
        let frame: Frame
        do {
            frame = try transport.send("complete " + lineBeforeCursor, json: false)
        } catch {
            lostReason = FailureText.explain(error)
            status = .connectionFailed
            return .connectionLost
        }
        switch frame.kind {
        case .ok:
            // Shown in lists and inserted into the line: nothing a terminal would act on.
            let candidates = frame.payload.split(separator: "\n").map { TerminalText.visible(String($0)) }
                .filter { !$0.isEmpty }
            return Completion.plan(lineBeforeCursor: lineBeforeCursor, candidates: candidates)
        case .bye:
            lostReason = "the server ended the session: \(frame.payload.trimmingWhitespace)"
            status = .connectionFailed
            return .connectionLost
        default:
            return .none
        }
    }

    /// Prints why the connection was lost if it was and that has not been printed yet.
    func reportLoss() {
        guard let reason = lostReason, !reported else { return }
        reported = true
        printer.problem("connection lost: \(reason)")
    }

    private var reported = false

    private func connectionLost(_ reason: String) -> Outcome {
        lostReason = reason
        status = .connectionFailed
        reportLoss()
        return .lost
    }
}
