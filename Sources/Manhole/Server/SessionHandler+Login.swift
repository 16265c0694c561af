import Logging
import NIOCore

/// The login driver: carries out what the ``LoginStateMachine`` decides, against the shared
/// ``ServerState`` (verdict turns, the throttle's records, session slots) and the channel.
extension SessionHandler {
    /// Carries out `actions` in order (an action may feed the machine again: a turn granted at
    /// once, the session table's answer).
    func perform(_ actions: [LoginStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let frame):
                say(frame)
            case .requestVerdictTurn:
                requestVerdictTurn()
            case .leaveVerdictQueue:
                environment.state.leaveVerdictQueue(id: id, source: source)
            case .recordFailure:
                environment.state.recordFailure(id: id, from: source)
            case .recordSuccess:
                environment.state.recordSuccess(from: source)
            case .claimSessionSlot(let user, let role):
                if let refusal = environment.state.authenticate(id: id, user: user, role: role, configuration: configuration) {
                    perform(login.sessionSlotRefused(refusal.description))
                } else {
                    perform(login.sessionSlotGranted())
                }
            case .loggedIn(let user, let role):
                loginTimer?.cancel()
                caller = Shell.Caller(user: user, role: role, sessionID: id)
                logger[metadataKey: "user"] = "\(user)"
                startWatches()
                resetIdleTimer()
            case .log(let level, let message, let metadata):
                logBeforeLogin(level, "\(message)", metadata)
            case .goodbye(let reason, let level):
                closeWithGoodbye(reason, level: level)
            case .close:
                closing = true
                context?.close(promise: nil)
            }
        }
    }

    /// Asks for the source's turn to receive a verdict: at once with no failures on record and
    /// nobody of the source waiting, otherwise in turn, after the source's throttle delay (see
    /// ``LoginThrottle``). The connection reads no further line meanwhile.
    private func requestVerdictTurn() {
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        let turn = environment.state.verdictTurn(id: id, source: source, eventLoop: environment.eventLoop) {
            loopBound.value.deliverVerdict()
        }
        switch turn {
        case .now: perform(login.verdictTurnArrived())
        case .queued: busy = true
        }
    }

    /// The source's turn has come: the verdict is given and the session goes on.
    private func deliverVerdict() {
        guard login.isAwaitingVerdictTurn, context != nil, !closing else { return }
        busy = false
        shell.measure { perform(login.verdictTurnArrived()) }
        processPending()
        readMoreIfIdle()
    }

    /// Logs what happens before login: at most ``LogLimiter``'s rate per source, with a count of
    /// what was dropped. After login, logs as usual.
    func logBeforeLogin(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata) {
        guard !loggedIn else { return logger.log(level: level, message, metadata: metadata) }
        guard logger.logLevel <= level else { return }
        let (log, dropped) = environment.state.mayLogBeforeLogin(from: source)
        if dropped > 0 {
            logger.notice("log lines before login dropped", metadata: ["source": "\(source)", "dropped": "\(dropped)"])
        }
        if log { logger.log(level: level, message, metadata: metadata) }
    }
}
