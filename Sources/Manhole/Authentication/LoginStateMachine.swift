import Reactor
import ManholeWire
import Logging

/// The server's side of one connection's login, as a value: it takes what happens before the
/// connection has logged in (a line, the source's verdict turn, the session table's answer, the
/// login deadline, the client's end of input) and returns what to do about it (send a frame, ask
/// for a verdict turn, record a verdict, log, say goodbye, close).
///
/// It reads no clock, owns no channel and no timer, and knows nothing of the transport: the
/// channel handler executes its actions (see `SessionHandler`), and tests drive it event by event
/// without sockets. swift-nio-ssh keeps its `UserAuthenticationStateMachine` apart from its
/// channel handler for the same reason. Credentials are checked here, with the
/// ``CredentialStore`` and ``ScramServerExchange`` (whose nonce is its own randomness).
///
/// Every verdict (welcome or denial) waits for the source's turn (``LoginThrottle``): the machine
/// asks with ``Action/requestVerdictTurn`` and judges when ``verdictTurnArrived()`` is called. The
/// challenge needs no turn: it tells nothing a guesser could use.
struct LoginStateMachine: Sendable {
    private(set) var state = State.expectingAuth
    /// Denials given on this connection.
    private(set) var failures = 0
    /// Whether the client has shut down its sending side: a verdict due then would reach nobody.
    private(set) var clientClosedInput = false
    private let sessionID: Int
    private let peer: String
    private let credentials: CredentialStore
    private let settings: Settings

    private static let authPrefix = "AUTH SCRAM-SHA-256 "
    private static let proofPrefix = "PROOF "

    /// A login for session `sessionID` from `peer` (as logs show it), checked against `credentials`.
    init(sessionID: Int, peer: String, credentials: CredentialStore, settings: Settings) {
        self.sessionID = sessionID
        self.peer = peer
        self.credentials = credentials
        self.settings = settings
    }

    /// Whether a verdict waits for the source's turn.
    var isAwaitingVerdictTurn: Bool {
        if case .awaitingVerdictTurn = state { return true }
        return false
    }

    // MARK: - Events

    /// A line arrived; `sequence` is its number (1 for the connection's first line). Lines are
    /// only handed over while the login expects one: at other times one is dropped.
    mutating func lineArrived(_ line: InboundLine, sequence: Int) -> [Action] {
        let expectation: Expectation
        switch state {
        case .expectingAuth: expectation = .auth
        case .expectingProof(let exchange): expectation = .proof(exchange)
        case .awaitingVerdictTurn, .awaitingSessionSlot, .loggedIn, .closed: return []
        }
        guard case .line(let text) = line else {
            // A bad line does not undo the challenge: the client may still send its proof.
            return judge(.refuse(reason: line.problem ?? "bad input", sequence: sequence, next: expectation))
        }
        if HTTPDetector.looksLikeHTTP(text) {
            state = .closed
            return [.log(.warning, "HTTP request on the manhole port refused", ["peer": "\(peer)"]), .close]
        }
        switch expectation {
        case .auth:
            guard text.hasPrefix(Self.authPrefix) else {
                return judge(.refuse(reason: "log in first: AUTH SCRAM-SHA-256 n,,n=USER,r=NONCE", sequence: sequence, next: .auth))
            }
            do {
                let exchange = try ScramServerExchange(
                    clientFirst: text.dropFirst(Self.authPrefix.count), credential: credentials.credential(for:))
                state = .expectingProof(exchange)
                return [.send(Frame(.challenge, sequence: sequence, payload: exchange.challenge + "\n"))]
            } catch {
                return judge(.refuse(reason: "malformed login message: \(error)", sequence: sequence, next: .auth))
            }
        case .proof(let exchange):
            guard text.hasPrefix(Self.proofPrefix) else {
                // Anything but a proof (a second AUTH too) abandons the exchange.
                return judge(.refuse(reason: "expected PROOF c=biws,r=NONCE,p=PROOF", sequence: sequence, next: .auth))
            }
            return judge(.checkProof(
                clientFinal: String(text.dropFirst(Self.proofPrefix.count)), exchange: exchange, sequence: sequence))
        }
    }

    /// The source's verdict turn has come: gives the verdict that waited for it.
    mutating func verdictTurnArrived() -> [Action] {
        guard case .awaitingVerdictTurn(let judgement) = state else { return [] }
        switch judgement {
        case .refuse(let reason, let sequence, let next):
            state = next.state
            return deny(reason: reason, user: nil, sequence: sequence)
        case .checkProof(let clientFinal, let exchange, let sequence):
            do {
                let signature = try exchange.verify(clientFinal: Substring(clientFinal))
                // A right proof for a name without an account cannot happen (its decoy's keys are
                // random); were it to, it is a failure like any other.
                guard let role = credentials.role(of: exchange.user) else { throw ScramServerExchange.Failure.wrongProof }
                state = .awaitingSessionSlot(user: exchange.user, role: role, signature: signature, sequence: sequence)
                return [.recordSuccess, .claimSessionSlot(user: exchange.user, role: role)]
            } catch {
                state = .expectingAuth
                // The client learns no more than that: not whether the name exists.
                return deny(reason: "authentication failed", user: exchange.user, sequence: sequence)
            }
        }
    }

    /// The session table found the user a slot: the login is done.
    mutating func sessionSlotGranted() -> [Action] {
        guard case .awaitingSessionSlot(let user, let role, let signature, let sequence) = state else { return [] }
        state = .loggedIn(user: user, role: role)
        return [
            .loggedIn(user: user, role: role),
            .log(.info, "logged in", ["role": "\(role.name)", "peer": "\(peer)"]),
            .send(Frame(.welcome, sequence: sequence, payload: "\(signature) user=\(user) role=\(role.name) session=\(sessionID)\n")),
        ]
    }

    /// The session table refused the user a slot (`refusal` says which limit): the right password
    /// still ends in a goodbye.
    mutating func sessionSlotRefused(_ refusal: String) -> [Action] {
        guard case .awaitingSessionSlot(let user, _, _, _) = state else { return [] }
        state = .closed
        return [
            .log(.warning, "login refused: session limit", ["user": "\(user)", "reason": "\(refusal)"]),
            .goodbye(reason: refusal, level: .warning),
        ]
    }

    /// The login deadline has passed.
    mutating func loginTimerFired() -> [Action] {
        switch state {
        case .loggedIn, .closed: return []
        case .expectingAuth, .expectingProof, .awaitingVerdictTurn, .awaitingSessionSlot:
            let leave = leaveQueueIfWaiting()
            state = .closed
            return leave + [.goodbye(reason: "login timed out after \(DurationFormat.string(settings.timeout))", level: .notice)]
        }
    }

    /// The client shut down its sending side. A connection waiting for its verdict is closed
    /// (the verdict would reach nobody, and it should not hold its source's turn); otherwise the
    /// machine has nothing to do: the driver answers the lines it holds, then closes.
    mutating func inputEnded() -> [Action] {
        clientClosedInput = true
        guard isAwaitingVerdictTurn else { return [] }
        return closeBeforeVerdict()
    }

    /// The connection is closing for another reason (the peer left, a goodbye was said): the
    /// machine ignores everything from now on.
    mutating func sessionEnded() -> [Action] {
        let leave = leaveQueueIfWaiting()
        state = .closed
        return leave
    }

    // MARK: - Verdicts

    /// Asks for the source's turn to give `judgement`, unless the client already left.
    private mutating func judge(_ judgement: Judgement) -> [Action] {
        // The client shut down its side before this line was handled (the line waited for the
        // shell's budget): as if it had left the queue.
        if clientClosedInput {
            state = .closed
            return closeBeforeVerdict()
        }
        state = .awaitingVerdictTurn(judgement)
        return [.requestVerdictTurn]
    }

    /// Denies a login with `reason` (logged escaped and cut; the client is told it as it is,
    /// terminal-safe); closes after too many.
    private mutating func deny(reason: String, user: String?, sequence: Int) -> [Action] {
        failures += 1
        var actions: [Action] = [
            .recordFailure,
            .log(
                .notice, "login failed",
                [
                    "peer": "\(peer)", "user": "\(user.map { LogText.escaped($0) } ?? "-")",
                    "reason": "\(LogText.escaped(reason))", "failures": "\(failures)",
                ]),
            .send(Frame(.denied, sequence: sequence, payload: reason + "\n")),
        ]
        if failures >= settings.maxFailures {
            state = .closed
            actions.append(.goodbye(reason: "too many failed logins", level: .warning))
        }
        return actions
    }

    /// The client left before its verdict: it gets none and holds no turn of its source.
    private mutating func closeBeforeVerdict() -> [Action] {
        let leave = leaveQueueIfWaiting()
        state = .closed
        return leave + [.log(.info, "client closed its input before its login verdict", ["peer": "\(peer)"]), .close]
    }

    private func leaveQueueIfWaiting() -> [Action] {
        isAwaitingVerdictTurn ? [.leaveVerdictQueue] : []
    }
}
