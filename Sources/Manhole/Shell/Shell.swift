import ManholeWire
import Logging
import NIOCore
import Reactor

/// The shell: what a logged-in user's line means and how it is answered, whatever carries it.
///
/// It reads the `@json` prefix, splits the line into words, finds the command, refuses what a
/// read-only user may not run, runs the command, and makes its reply one frame: cut to the reply
/// limit, every payload safe for a terminal (see ``ShellFrames``). It charges the time it takes to
/// the shell's share of real time (``LoopBudget``). It holds no channel: the TCP and
/// Unix-domain sessions (`SessionHandler`) hand it lines and write the frames it makes, and
/// other transports (an SSH channel) can do the same.
struct Shell: Sendable {
    /// Who runs a line: the logged-in user of a session.
    struct Caller: Sendable, Hashable {
        var user: String
        var role: Role
        var sessionID: Int
    }

    /// What a line comes to.
    enum Dispatch: Sendable, Equatable {
        /// Answered at once (a bad line, an empty one, an unknown or refused command).
        case answered(Frame)
        /// The command `name` runs: `completed` is called on the sessions' loop once it has.
        case running(name: String)
    }

    /// A command that has run, to be answered with ``finish(_:logger:)`` (or dropped with
    /// ``drop(_:logger:)`` when the session has closed meanwhile).
    struct Completion: Sendable {
        let command: ShellCommand
        let outcome: Result<Reply, any Error>
        let sequence: Int
        let format: Frame.Format
        let elapsed: Duration
    }

    /// The answer to a command: the frame to write, and whether the session ends after it.
    struct Answer: Sendable, Equatable {
        var frame: Frame
        var closesSession: Bool
    }

    let environment: ShellEnvironment
    private var configuration: Manhole.Configuration { environment.configuration }

    init(environment: ShellEnvironment) { self.environment = environment }

    // MARK: - The budget

    /// Whether a session may handle a line now (``LoopBudget/mayRun()``).
    func mayRun() -> Bool { environment.budget.mayRun() }

    /// Calls `resume` on the loop when a waiting session's turn comes (``LoopBudget/waitForTurn(_:)``).
    func waitForTurn(_ resume: @escaping () -> Void) { environment.budget.waitForTurn(resume) }

    /// Runs `body` and charges its time to the shell (logins are charged too).
    func measure(_ body: () -> Void) { environment.budget.measure(body) }

    // MARK: - Lines

    /// What `line` (numbered `sequence`) comes to for `caller`; a command that runs calls
    /// `completed` on the sessions' loop when it is done, which may be before `dispatch`
    /// returns (a reply ready at once): the caller marks itself busy first.
    func dispatch(
        _ line: InboundLine, sequence: Int, caller: Caller, logger: Logger, interruption: CallInterruption? = nil,
        completed: @escaping @Sendable (Completion) -> Void
    ) -> Dispatch {
        guard case .line(var text) = line else {
            return .answered(Frame(.error, sequence: sequence, payload: (line.problem ?? "bad input") + "\n"))
        }
        var wantsJSON = false
        if text.hasPrefix("@json ") || text == "@json" {
            wantsJSON = true
            text = String(text.dropFirst(5))
        }
        let format: Frame.Format = wantsJSON ? .json : .text
        let words: [String]
        do {
            words = try CommandLineParser.split(text)
        } catch {
            return .answered(ShellFrames.error("cannot read the command: \(error)", sequence: sequence, format: format))
        }
        guard let name = words.first else {
            return .answered(Frame(.ok, sequence: sequence, format: format, payload: wantsJSON ? "null" : ""))
        }
        guard let command = environment.commands.command(named: name) else {
            return .answered(ShellFrames.error(environment.commands.unknownCommandMessage(name), sequence: sequence, format: format))
        }
        if caller.role == .readOnly && !command.isReadOnly {
            logger.notice("command refused", metadata: ["command": "\(command.name)", "reason": "read-only user"])
            return .answered(ShellFrames.error(
                "permission denied: '\(command.name)' changes the process and user '\(caller.user)' is read-only",
                sequence: sequence, format: format))
        }
        let rest = text.drop { $0 == " " }.dropFirst(name.count).drop { $0 == " " }
        let invocation = CommandInvocation(
            name: name, arguments: Array(words.dropFirst()), argumentText: String(rest),
            user: caller.user, role: caller.role, sessionID: caller.sessionID, format: format, interruption: interruption)
        environment.state.recordCommand(id: caller.sessionID, name: command.name)
        let started = NIODeadline.now()
        command.run(invocation, environment).hop(to: environment.eventLoop).whenComplete { outcome in
            completed(Completion(
                command: command, outcome: outcome, sequence: sequence, format: format,
                elapsed: Duration(NIODeadline.now() - started)))
        }
        return .running(name: command.name)
    }

    /// Answers a command that has run, and logs it.
    func finish(_ completion: Completion, logger: Logger) -> Answer {
        let name = completion.command.name
        switch completion.outcome {
        case .success(let reply):
            logger.info("command", metadata: ["command": "\(name)", "outcome": "ok", "duration": "\(completion.elapsed)"])
            let json = completion.format == .json
            let payload = ShellFrames.bounded(json ? reply.json : reply.text, json: json, limit: configuration.maxReplyBytes)
            return Answer(
                frame: Frame(.ok, sequence: completion.sequence, format: completion.format, payload: payload),
                closesSession: reply.closesSession)
        case .failure(let error):
            logger.info(
                "command",
                metadata: ["command": "\(name)", "outcome": "error", "error": "\(error)", "duration": "\(completion.elapsed)"])
            return Answer(
                frame: ShellFrames.error("\(error)", sequence: completion.sequence, format: completion.format),
                closesSession: false)
        }
    }

    /// Logs a command whose session ended while it ran: a reply now would follow the goodbye.
    func drop(_ completion: Completion, logger: Logger) {
        logger.info(
            "command",
            metadata: ["command": "\(completion.command.name)", "outcome": "session closed", "duration": "\(completion.elapsed)"])
    }
}
