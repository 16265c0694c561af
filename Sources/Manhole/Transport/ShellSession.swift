import Logging
package import ManholeWire
package import NIOCore
import Reactor

/// One session of the shell for a transport other than the native protocol (the SSH listener):
/// its place in the session table (admission, login, `sessions`, `kick`, the limits), its lines
/// run one at a time through the shell within the shell's budget, the interrupt, and its
/// watches' notices. The transport carries bytes, authenticates, and shows what this hands it.
///
/// Confined to the sessions' loop (``eventLoop``): call every method there. `@unchecked
/// Sendable` only so that the transport's handlers can carry it to that loop.
package final class ShellSession: @unchecked Sendable {
    /// The session's id in the session table (what `sessions` lists and `kick` takes).
    package let id: Int
    /// The loop every method must be called on: the manhole's sessions' loop.
    package var eventLoop: any EventLoop { environment.eventLoop }

    /// A line waiting its turn, or an interrupt's answer, with where its answer goes.
    private enum Waiting {
        case line(String, answer: (Frame, _ closesSession: Bool) -> Void)
        case dropped(String, answer: (Frame, _ closesSession: Bool) -> Void)
        case interruptAnswer(String, answer: (Frame, _ closesSession: Bool) -> Void)
    }

    /// The most lines that may wait while a command runs; more are answered with an error.
    package static let maxWaitingLines = 16

    let environment: ShellEnvironment
    private let shell: Shell
    private var logger: Logger
    private let source: LoginSource
    private var caller: Shell.Caller?
    private var sequence = 0
    private var waiting: [Waiting] = []
    private var busy = false
    private var running: (name: String, interruption: CallInterruption)?
    private var waitingForTurn = false
    private var ended = false
    /// How `kick`, a stop and the idle timer end the session; let go of once it has ended (the
    /// transport's closure holds its connection, which holds this session).
    private var sayGoodbye: (@Sendable (String) -> Void)?
    private var idleTimer: IdleTimer?
    private var notices: (canWrite: () -> Bool, write: (Frame) -> Void)?

    private init(
        id: Int, environment: ShellEnvironment, source: LoginSource, logger: Logger, sayGoodbye: @escaping @Sendable (String) -> Void
    ) {
        self.id = id
        self.sayGoodbye = sayGoodbye
        self.environment = environment
        self.shell = Shell(environment: environment)
        self.source = source
        self.logger = logger
    }

    /// Admits a new connection from `peer` (an `address:port`) into the session table, or says
    /// why it is refused (the limits, a stopping manhole). `sayGoodbye` is how `kick` and a stop
    /// end it (from any thread); `closed` completes once the connection has closed.
    package static func admit(
        to manhole: Manhole, peer: SocketAddress?, transport: String,
        sayGoodbye: @escaping @Sendable (String) -> Void, closed: EventLoopFuture<Void>
    ) -> Result<ShellSession, SessionRefused> {
        let environment = manhole.environment
        let peerText = peer.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        var logger = environment.configuration.logger
        logger[metadataKey: "transport"] = "\(transport)"
        let control = SessionControl(sayGoodbye: sayGoodbye, closed: closed)
        switch environment.state.admit(peer: peerText, control: control, configuration: environment.configuration) {
        case .failure(let refusal):
            logger.warning("connection refused", metadata: ["peer": "\(peerText)", "reason": "\(refusal)"])
            return .failure(SessionRefused(reason: refusal.description))
        case .success(let admission):
            admission.evicted?.sayGoodbye("evicted: too many connections logging in")
            logger[metadataKey: "session"] = "\(admission.id)"
            logger.info("connection accepted", metadata: ["peer": "\(peerText)"])
            return .success(ShellSession(
                id: admission.id, environment: environment, source: LoginSource(peer), logger: logger, sayGoodbye: sayGoodbye))
        }
    }

    /// How long a password check from this connection's source must wait first: the same
    /// throttle as native logins (it grows with the source's recent failures).
    package var loginDelay: TimeAmount { environment.state.throttle(of: source).nextDelay }

    /// Records a failed login from this connection's source (the throttle's next delay grows).
    package func loginFailed(user: String) {
        _ = environment.state.recordFailure(id: id, from: source)
        logger.warning("login failed", metadata: ["user": "\(user)"])
    }

    /// Marks the session as logged in as `user`, or says which session limit refuses it.
    package func logIn(user: String, role: Role) -> String? {
        if let refusal = environment.state.authenticate(id: id, user: user, role: role, configuration: environment.configuration) {
            logger.warning("login refused", metadata: ["user": "\(user)", "reason": "\(refusal)"])
            return refusal.description
        }
        environment.state.recordSuccess(from: source)
        caller = Shell.Caller(user: user, role: role, sessionID: id)
        logger.info("logged in", metadata: ["user": "\(user)", "role": "\(role)"])
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        idleTimer = IdleTimer(on: eventLoop, timeout: environment.configuration.idleTimeout) { reason in
            let this = loopBound.value
            this.logger.info("closing the session", metadata: ["reason": "\(reason)"])
            this.sayGoodbye?(reason)
        }
        idleTimer?.touch()
        return nil
    }

    /// Starts the session's watches: their notices go to `write` while `canWrite` holds (the
    /// transport takes more); call ``writeNotices()`` when it takes more again.
    package func deliverNotices(canWrite: @escaping () -> Bool, write: @escaping (Frame) -> Void) {
        notices = (canWrite, write)
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let watches = SessionWatches(sessionID: id, budget: environment.budget) { loopBound.value.writeNotices() }
        environment.watchBoard.add(watches, on: eventLoop)
    }

    /// Writes the waiting notices while the transport takes them.
    package func writeNotices() {
        guard !ended, let notices, let watches = environment.watchBoard.session(id, on: eventLoop) else { return }
        watches.drain(while: notices.canWrite, notices.write)
    }

    /// Notes input from the operator (a key, a line): a logged-in session that has none for
    /// `Manhole.Configuration.idleTimeout` gets its goodbye (`idle for …`), as a native one does.
    package func noteInput() {
        idleTimer?.touch()
    }

    /// Runs `line` after the lines before it; `answer` gets its reply (and whether the session
    /// ends after it: `quit`). Lines past ``maxWaitingLines`` are refused at once.
    package func run(_ line: String, answer: @escaping (Frame, _ closesSession: Bool) -> Void) {
        guard caller != nil, !ended else { return }
        noteInput()
        guard waiting.count < Self.maxWaitingLines else {
            return answer(ShellFrames.error("too many lines waiting (\(Self.maxWaitingLines)); wait for the answers", sequence: 0, format: .text), false)
        }
        waiting.append(.line(line, answer: answer))
        processWaiting()
    }

    /// Whether a command runs or lines wait.
    package var isBusy: Bool { busy || !waiting.isEmpty }

    /// The interrupt (docs/protocol.md): calls off the running command, ends the log follows,
    /// drops the waiting lines (each answered with an error in its turn); `answer` gets the
    /// interrupt's own reply after those.
    package func interrupt(answer: @escaping (Frame, _ closesSession: Bool) -> Void) {
        var report = InterruptReport(running: busy ? running : nil, session: id, environment: environment)
        waiting = waiting.map { entry in
            guard case .line(let text, let answer) = entry else { return entry }
            report.droppedLines += 1
            return .dropped(text, answer: answer)
        }
        report.log(to: logger)
        waiting.append(.interruptAnswer(report.text, answer: answer))
        processWaiting()
    }

    /// Ends the session: its watches go, its slot is free, a running command's answer is dropped.
    package func end() {
        guard !ended else { return }
        ended = true
        waiting = []
        idleTimer?.cancel()
        idleTimer = nil
        sayGoodbye = nil
        // The transport's closures hold its handler, which holds this session: let go of them.
        notices = nil
        if caller != nil { environment.watchBoard.remove(id, on: eventLoop) }
        environment.state.remove(id: id)
        logger.info("session closed")
    }

    private func processWaiting() {
        while !busy, !ended, !waiting.isEmpty {
            guard shell.mayRun() else { return waitForTurn() }
            let next = waiting.removeFirst()
            sequence += 1
            switch next {
            case .line(let text, let answer): shell.measure { dispatch(text, answer: answer) }
            case .dropped(let text, let answer):
                let json = text.hasPrefix("@json ") || text == "@json"
                answer(ShellFrames.error("interrupted (dropped before it ran)", sequence: sequence, format: json ? .json : .text), false)
            case .interruptAnswer(let text, let answer): answer(Frame(.ok, sequence: sequence, payload: text), false)
            }
        }
    }

    private func dispatch(_ text: String, answer: @escaping (Frame, _ closesSession: Bool) -> Void) {
        guard let caller else { return }
        busy = true
        let interruption = CallInterruption()
        // Set before the dispatch: a reply that is ready at once finishes it (and may start the
        // next line) before `dispatch` returns.
        running = (text, interruption)
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let boundAnswer = NIOLoopBound(answer, eventLoop: eventLoop)
        let dispatch = shell.dispatch(.line(text), sequence: sequence, caller: caller, logger: logger, interruption: interruption) { completion in
            let this = loopBound.value
            this.shell.measure { this.finish(completion, answer: boundAnswer.value) }
        }
        switch dispatch {
        case .answered(let frame):
            running = nil
            busy = false
            answer(frame, false)
        case .running(let name):
            if running?.interruption === interruption { running?.name = name }
        }
    }

    private func finish(_ completion: Shell.Completion, answer: (Frame, Bool) -> Void) {
        running = nil
        busy = false
        guard !ended else { return shell.drop(completion, logger: logger) }
        let result = shell.finish(completion, logger: logger)
        answer(result.frame, result.closesSession)
        processWaiting()
    }

    private func waitForTurn() {
        guard !waitingForTurn else { return }
        waitingForTurn = true
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        shell.waitForTurn {
            let this = loopBound.value
            this.waitingForTurn = false
            this.processWaiting()
        }
    }
}

/// Why a transport's connection gets no session (the limits, a stopping manhole), in words for
/// its peer.
package struct SessionRefused: Error, CustomStringConvertible {
    /// The reason, as the native protocol's goodbye gives it.
    package let reason: String
    package var description: String { reason }
}

extension Manhole {
    /// The loop the manhole's sessions run on (its own thread): another transport's listener
    /// binds there, so that its sessions answer while a host body holds the reactor thread.
    package var sessionsLoop: any EventLoop { environment.eventLoop }

    /// The configuration the manhole was started with (limits, timeouts, logger).
    package var configuration: Configuration { environment.configuration }

    /// Has another transport's listener (bound on ``sessionsLoop``) closed with the manhole's
    /// own, before that loop ends; closes it at once if the manhole has already stopped.
    package func addListener(_ channel: any Channel) {
        if !environment.state.addListener(channel) { channel.close(promise: nil) }
    }
}
