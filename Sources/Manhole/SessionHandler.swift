import ManholeWire
import Inspector
import Logging
import NIOCore
import Reactor

/// One connection: the login exchange, then one command at a time, each answered by one framed
/// reply in one write. Runs on the reactor's event loop; nothing here blocks it.
///
/// Flow control: the channel reads on its own while the session keeps up, and stops reading
/// (`autoRead` off) while it holds unanswered lines or its socket is full; it reads on once it
/// has answered everything and the socket is writable. A client that sends without reading
/// stalls itself, not the server: a session holds at most one read's worth of input and one
/// reply's worth of output beyond the socket buffers, and a session that keeps up costs no
/// extra system calls per command.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundLine
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case greeting
        case challenged(ScramServerExchange)
        case authenticated(user: String, role: Role)
        case closing
    }

    private let environment: ShellEnvironment
    private let credentials: CredentialStore
    private var configuration: Manhole.Configuration { environment.configuration }
    private var logger: Logger
    private var phase = Phase.greeting
    private var id = 0
    private var peer = "?"
    /// Who the connection counts as for the login throttle and the log limit.
    private var source = LoginSource.address("?")
    private var failures = 0
    /// Whether the connection has logged in (its logs are no longer limited per source).
    private var loggedIn = false
    /// The judgement of a login line, waiting for the source's verdict turn (see ``judgeInTurn(_:)``).
    private var queuedJudgement: ((SessionHandler) -> Void)?
    private var sequence = 0
    private var pending: [InboundLine] = []
    private var pendingHead = 0
    private var busy = false
    /// Whether the session waits for the shell's budget (``LoopBudget``).
    private var waitingForTurn = false
    private var loginTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()
    /// Whether the channel reads on its own right now (see ``pauseReadingIfBehind()``).
    private var reading = true
    /// Whether the client has shut down its sending side: the session closes once it has
    /// answered every complete line it received.
    private var inputClosed = false
    private var context: ChannelHandlerContext?
    /// The source the listener already knows (a Unix-domain peer's uid); otherwise it is taken
    /// from the peer's address.
    private let knownSource: LoginSource?

    init(environment: ShellEnvironment, credentials: CredentialStore, source: LoginSource? = nil) {
        self.environment = environment
        self.credentials = credentials
        self.knownSource = source
        self.logger = environment.configuration.logger
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        peer = knownSource.map { "\($0)" } ?? context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        source = knownSource ?? LoginSource(context.remoteAddress)
        switch environment.state.admit(peer: peer, channel: context.channel, configuration: configuration) {
        case .failure(let refusal):
            logBeforeLogin(.warning, "connection refused", ["peer": "\(peer)", "reason": "\(refusal)"])
            phase = .closing
            say(Frame(.bye, sequence: 0, payload: refusal.description + "\n"), thenClose: true)
            return
        case .success(let admission):
            self.id = admission.id
            if let evicted = admission.evicted {
                logBeforeLogin(.warning, "pending login evicted to make room", ["peer": "\(peer)"])
                evicted.pipeline.fireUserInboundEventTriggered(GoodbyeEvent(reason: "evicted: too many connections logging in"))
            }
        }
        logger[metadataKey: "session"] = "\(id)"
        logBeforeLogin(.info, "connection accepted", ["peer": "\(peer)"])
        say(Frame(.hello, sequence: 0, payload: "manhole/1 scram-sha-256\n"))
        let timeout = configuration.authTimeout
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        loginTimer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            loopBound.value.closeWithGoodbye("login timed out after \(timeout)", level: .notice)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .closing = phase else {
            // Before login, a line is what keeps a pending connection's slot (see ServerState.admit).
            if !loggedIn { environment.state.heard(id: id) }
            pending.append(unwrapInboundIn(data))
            processPending()
            pauseReadingIfBehind()
            return
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            processPending()
            readMoreIfIdle()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        idleTimer?.cancel()
        leaveVerdictQueue()
        if id != 0 {
            environment.state.remove(id: id)
            logBeforeLogin(.info, "session closed", ["peer": "\(peer)"])
        }
        phase = .closing
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: - Lines

    private func processPending() {
        while !busy, pendingHead < pending.count, context?.channel.isWritable == true {
            guard environment.budget.mayRun() else {
                waitForTurn()
                return
            }
            let line = pending[pendingHead]
            pendingHead += 1
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            sequence += 1
            environment.budget.measure { handle(line) }
        }
    }

    /// Waits for the shell's budget (see ``LoopBudget``): the lines stay pending and reading
    /// stays paused until the session's turn comes.
    private func waitForTurn() {
        guard !waitingForTurn else { return }
        waitingForTurn = true
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        environment.budget.waitForTurn {
            let this = loopBound.value
            this.waitingForTurn = false
            this.processPending()
            this.readMoreIfIdle()
        }
    }

    /// Stops reading while the session has unanswered lines or a full socket: input then waits in
    /// the kernel (and the client's send buffer), not in the server's memory.
    private func pauseReadingIfBehind() {
        guard reading, busy || pendingHead < pending.count || context?.channel.isWritable == false else { return }
        setReading(false)
    }

    /// Reads on again once everything read is answered and the socket is writable.
    private func readMoreIfIdle() {
        guard !busy, pendingHead >= pending.count, let context, context.channel.isActive, context.channel.isWritable
        else { return }
        if case .closing = phase { return }
        if inputClosed { return closeAfterLastReply(context) }
        if !reading { setReading(true) }
    }

    /// Closes once the replies written so far are flushed (the client shut down its input).
    private func closeAfterLastReply(_ context: ChannelHandlerContext) {
        logBeforeLogin(.info, "client closed its input; closing after the last reply", ["peer": "\(peer)"])
        phase = .closing
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete {
            [channel = context.channel] _ in channel.close(promise: nil)
        }
    }

    private func setReading(_ on: Bool) {
        guard let context else { return }
        reading = on
        try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }

    private func handle(_ line: InboundLine) {
        switch phase {
        case .closing: return
        case .greeting, .challenged: handleLogin(line)
        case .authenticated(let user, let role):
            resetIdleTimer()
            handleCommand(line, user: user, role: role)
        }
    }

    private func problem(of line: InboundLine) -> String? {
        switch line {
        case .line: nil
        case .tooLong(let limit): "line too long (the limit is \(limit) bytes); it was discarded"
        case .invalidUTF8: "the line is not valid UTF-8; it was discarded"
        case .controlBytes: "the line holds NUL or control bytes; it was discarded"
        case .telnetNegotiation: "telnet negotiation is not supported (use manhole-client or a raw TCP client)"
        }
    }

    // MARK: - Login

    private func handleLogin(_ line: InboundLine) {
        let answered = sequence
        guard case .line(let text) = line else {
            let reason = problem(of: line) ?? "bad input"
            return judgeInTurn { $0.loginFailed(reason: reason, malformed: true, sequence: answered) }
        }
        if HTTPDetector.looksLikeHTTP(text) {
            logBeforeLogin(.warning, "HTTP request on the manhole port refused", ["peer": "\(peer)"])
            phase = .closing
            context?.close(promise: nil)
            return
        }
        switch phase {
        case .greeting:
            guard text.hasPrefix("AUTH SCRAM-SHA-256 ") else {
                return judgeInTurn {
                    $0.loginFailed(reason: "log in first: AUTH SCRAM-SHA-256 n,,n=USER,r=NONCE", malformed: true, sequence: answered)
                }
            }
            do {
                let exchange = try ScramServerExchange(
                    clientFirst: text.dropFirst("AUTH SCRAM-SHA-256 ".count), credential: credentials.credential(for:))
                phase = .challenged(exchange)
                say(Frame(.challenge, sequence: sequence, payload: exchange.challenge + "\n"))
            } catch {
                judgeInTurn { $0.loginFailed(reason: "malformed login message: \(error)", malformed: true, sequence: answered) }
            }
        case .challenged(let exchange):
            guard text.hasPrefix("PROOF ") else {
                phase = .greeting
                return judgeInTurn {
                    $0.loginFailed(reason: "expected PROOF c=biws,r=NONCE,p=PROOF", malformed: true, sequence: answered)
                }
            }
            judgeInTurn { $0.judgeProof(text.dropFirst("PROOF ".count), of: exchange, sequence: answered) }
        case .authenticated, .closing:
            return
        }
    }

    /// Runs `judgement` (which answers with a welcome or a denial) when the connection's source
    /// may receive its next verdict: at once with no failures on record and nobody of the source
    /// waiting, otherwise in turn, after the source's throttle delay (see ``LoginThrottle``). The
    /// connection reads no further line meanwhile, and leaves the queue if it closes.
    private func judgeInTurn(_ judgement: @escaping (SessionHandler) -> Void) {
        // The client shut down its side before this line's turn came (the line waited for the
        // shell's budget): as if it had left the queue.
        if inputClosed { return closeBeforeVerdict() }
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        let turn = environment.state.verdictTurn(id: id, source: source, eventLoop: environment.eventLoop) {
            loopBound.value.deliverVerdict()
        }
        switch turn {
        case .now:
            judgement(self)
        case .queued:
            busy = true
            queuedJudgement = judgement
        }
    }

    /// Takes the connection out of its source's verdict queue, if it waits there.
    private func leaveVerdictQueue() {
        guard queuedJudgement != nil else { return }
        queuedJudgement = nil
        environment.state.leaveVerdictQueue(id: id, source: source)
    }

    /// The client left before its login verdict: it gets none and holds no turn of its source
    /// (the verdict would only reach a closed socket).
    private func closeBeforeVerdict() {
        leaveVerdictQueue()
        logBeforeLogin(.info, "client closed its input before its login verdict", ["peer": "\(peer)"])
        phase = .closing
        context?.close(promise: nil)
    }

    /// The source's turn has come: judges the queued line and goes on with the session.
    private func deliverVerdict() {
        guard let judgement = queuedJudgement else { return }
        queuedJudgement = nil
        guard context != nil else { return }
        if case .closing = phase { return }
        busy = false
        environment.budget.measure { judgement(self) }
        processPending()
        readMoreIfIdle()
    }

    private func judgeProof(_ clientFinal: Substring, of exchange: ScramServerExchange, sequence answered: Int) {
        do {
            let signature = try exchange.verify(clientFinal: clientFinal)
            guard let role = credentials.role(of: exchange.user) else { throw ScramServerExchange.Failure.wrongProof }
            logIn(user: exchange.user, role: role, signature: signature, sequence: answered)
        } catch {
            phase = .greeting
            loginFailed(reason: "authentication failed", malformed: false, user: exchange.user, sequence: answered)
        }
    }

    private func logIn(user: String, role: Role, signature: String, sequence answered: Int) {
        environment.state.recordSuccess(from: source)
        if let refusal = environment.state.authenticate(id: id, user: user, role: role, configuration: configuration) {
            logBeforeLogin(.warning, "login refused: session limit", ["user": "\(user)", "reason": "\(refusal)"])
            closeWithGoodbye(refusal.description, level: .warning)
            return
        }
        loginTimer?.cancel()
        loggedIn = true
        phase = .authenticated(user: user, role: role)
        logger[metadataKey: "user"] = "\(user)"
        logger.info("logged in", metadata: ["role": "\(role.rawValue)", "peer": "\(peer)"])
        say(Frame(.welcome, sequence: answered, payload: "\(signature) user=\(user) role=\(role.rawValue) session=\(id)\n"))
        resetIdleTimer()
    }

    /// Denies a login (its turn has come, see ``judgeInTurn(_:)``), and closes after too many.
    private func loginFailed(reason: String, malformed: Bool, user: String? = nil, sequence answered: Int) {
        failures += 1
        environment.state.recordFailure(id: id, from: source)
        logBeforeLogin(
            .notice, "login failed",
            [
                "peer": "\(peer)", "user": "\(user.map { LogText.escaped($0) } ?? "-")",
                "reason": "\(LogText.escaped(reason))", "failures": "\(failures)",
            ])
        say(Frame(.denied, sequence: answered, payload: (malformed ? reason : "authentication failed") + "\n"))
        if failures >= configuration.maxFailuresPerConnection {
            closeWithGoodbye("too many failed logins", level: .warning)
        }
    }

    /// Logs what happens before login: at most ``LogLimiter``'s rate per source, with a count of
    /// what was dropped. After login, logs as usual.
    private func logBeforeLogin(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata) {
        guard !loggedIn else { return logger.log(level: level, message, metadata: metadata) }
        guard logger.logLevel <= level else { return }
        let (log, dropped) = environment.state.mayLogBeforeLogin(from: source)
        if dropped > 0 {
            logger.notice("log lines before login dropped", metadata: ["source": "\(source)", "dropped": "\(dropped)"])
        }
        if log { logger.log(level: level, message, metadata: metadata) }
    }

    // MARK: - Commands

    private func handleCommand(_ line: InboundLine, user: String, role: Role) {
        let answered = sequence
        guard case .line(var text) = line else {
            return say(Frame(.error, sequence: answered, payload: (problem(of: line) ?? "bad input") + "\n"))
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
            return replyError("cannot read the command: \(error)", sequence: answered, format: format)
        }
        guard let name = words.first else {
            return say(Frame(.ok, sequence: answered, format: format, payload: wantsJSON ? "null" : ""))
        }
        guard let command = environment.commands.command(named: name) else {
            return replyError(unknownCommandMessage(name, environment.commands), sequence: answered, format: format)
        }
        if role == .readOnly && !command.isReadOnly {
            logger.notice("command refused", metadata: ["command": "\(command.name)", "reason": "read-only user"])
            return replyError(
                "permission denied: '\(command.name)' changes the process and user '\(user)' is read-only",
                sequence: answered, format: format)
        }
        let rest = text.drop { $0 == " " }.dropFirst(name.count).drop { $0 == " " }
        let invocation = CommandInvocation(
            name: name, arguments: Array(words.dropFirst()), argumentText: String(rest),
            user: user, role: role, sessionID: id)
        environment.state.recordCommand(id: id, name: command.name)
        busy = true
        let started = NIODeadline.now()
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        command.run(invocation, environment).hop(to: environment.eventLoop).whenComplete { outcome in
            let this = loopBound.value
            this.environment.budget.measure {
                this.finishCommand(command, outcome, sequence: answered, format: format, started: started)
            }
        }
    }

    /// Answers a command and goes on with the session's next line.
    private func finishCommand(
        _ command: ShellCommand, _ outcome: Result<Reply, any Error>, sequence answered: Int, format: Frame.Format,
        started: NIODeadline
    ) {
        let elapsed = Duration.nanoseconds((NIODeadline.now() - started).nanoseconds)
        if case .closing = phase {
            // The session ended while the command ran (a goodbye may already be queued): a reply
            // now would follow the goodbye.
            busy = false
            logger.info("command", metadata: ["command": "\(command.name)", "outcome": "session closed", "duration": "\(elapsed)"])
            return
        }
        switch outcome {
        case .success(let reply):
            logger.info("command", metadata: ["command": "\(command.name)", "outcome": "ok", "duration": "\(elapsed)"])
            let json = format == .json
            say(Frame(.ok, sequence: answered, format: format, payload: bounded(json ? reply.json : reply.text, json: json)))
            if reply.closesSession {
                phase = .closing
                context?.close(promise: nil)
                return
            }
        case .failure(let error):
            logger.info(
                "command",
                metadata: ["command": "\(command.name)", "outcome": "error", "error": "\(error)", "duration": "\(elapsed)"])
            replyError("\(error)", sequence: answered, format: format)
        }
        busy = false
        processPending()
        readMoreIfIdle()
    }

    private func replyError(_ message: String, sequence: Int, format: Frame.Format) {
        let payload = format == .json ? Reply.encode(["error": message]) : message + "\n"
        say(Frame(.error, sequence: sequence, format: format, payload: payload))
    }

    /// Cuts a payload to the reply limit, with a marker saying so (a JSON payload becomes an
    /// error object instead, since a cut document would not parse).
    private func bounded(_ payload: String, json: Bool) -> String {
        let limit = configuration.maxReplyBytes
        let size = payload.utf8.count
        guard size > limit else { return payload }
        if json { return Reply.encode(["error": "reply of \(size) bytes exceeds the limit of \(limit) bytes"]) }
        var cut = payload.utf8.prefix(limit)
        while String(cut) == nil { cut = cut.dropLast() }
        return String(cut)! + "\n… output truncated: \(cut.count) of \(size) bytes shown\n"
    }

    // MARK: - Output

    /// Notes activity; the idle timer, scheduled once, re-arms itself for the time left when it
    /// fires early, so that a busy session does not reschedule a timer per command.
    private func resetIdleTimer() {
        lastActivity = .now()
        guard idleTimer == nil else { return }
        armIdleTimer(in: TimeAmount(configuration.idleTimeout))
    }

    private func armIdleTimer(in delay: TimeAmount) {
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        idleTimer = environment.eventLoop.scheduleTask(in: delay) {
            let this = loopBound.value
            let timeout = TimeAmount(this.configuration.idleTimeout)
            let idle = NIODeadline.now() - this.lastActivity
            if idle >= timeout {
                this.closeWithGoodbye("idle for \(this.configuration.idleTimeout)", level: .info)
            } else {
                this.armIdleTimer(in: timeout - idle)
            }
        }
    }

    /// Writes one frame in one write.
    /// A text payload leaves with every control a terminal could act on escaped (C0 but newline
    /// and tab, DEL, C1, bidirectional controls): echoed input, host data in errors and goodbyes
    /// cannot drive the operator's terminal (``Quoting/terminalSafe(_:)``); a JSON payload gets
    /// the same characters as `\uXXXX` escapes (``JSONTerminalSafety``).
    private func say(_ frame: Frame, thenClose: Bool = false) {
        guard let context, context.channel.isActive else { return }
        var frame = frame
        switch frame.format {
        case .text: frame.payload = Quoting.terminalSafe(frame.payload)
        case .json: frame.payload = JSONTerminalSafety.escaped(frame.payload)
        }
        let buffer = context.channel.allocator.buffer(string: frame.encoded)
        if thenClose {
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    /// Says goodbye with a reason, then closes.
    func closeWithGoodbye(_ reason: String, level: Logger.Level) {
        if case .closing = phase { return }
        logBeforeLogin(level, "closing session", ["reason": "\(reason)"])
        phase = .closing
        say(Frame(.bye, sequence: 0, payload: reason + "\n"), thenClose: true)
    }
}

/// An event that asks a session to say goodbye and close (sent by `stop()` and at reactor stop).
struct GoodbyeEvent: Sendable {
    let reason: String
}

extension SessionHandler {
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let goodbye = event as? GoodbyeEvent {
            closeWithGoodbye(goodbye.reason, level: .info)
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            if queuedJudgement != nil { return closeBeforeVerdict() }
            // Lines read before the end of input are answered first (see readMoreIfIdle()).
            inputClosed = true
            readMoreIfIdle()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
