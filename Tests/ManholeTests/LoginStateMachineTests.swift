import Reactor
import ManholeTesting
import Inspector
import ManholeWire
import Logging
import Testing
@testable import Manhole
import ManholeClient

/// The accounts every machine here checks against (the test iteration count keeps PBKDF2 quick).
private let store = try! CredentialStore(accounts: testAccounts, iterations: FastLogin.iterations)

private let timeout = Duration.seconds(10)
private let timedOut = LoginStateMachine.Action.goodbye(reason: "login timed out after \(DurationFormat.string(timeout))", level: .notice)
private let leftBeforeVerdict = LoginStateMachine.Action.log(
    .info, "client closed its input before its login verdict", ["peer": "10.0.0.1:4242"])

private func machine(maxFailures: Int = 5) -> LoginStateMachine {
    LoginStateMachine(
        sessionID: 7, peer: "10.0.0.1:4242", credentials: store, settings: .init(maxFailures: maxFailures, timeout: timeout))
}

/// What a denial of `reason` numbered `sequence` comes to, the `failures`-th on the connection.
private func denial(_ reason: String, sequence: Int, failures: Int = 1, user: String = "-") -> [LoginStateMachine.Action] {
    [
        .recordFailure,
        .log(.notice, "login failed", ["peer": "10.0.0.1:4242", "user": "\(user)", "reason": "\(LogText.escaped(reason))", "failures": "\(failures)"]),
        .send(Frame(.denied, sequence: sequence, payload: reason + "\n")),
    ]
}

/// The state's name, for comparisons (an exchange is not equatable).
private func name(_ state: LoginStateMachine.State) -> String {
    switch state {
    case .expectingAuth: "expectingAuth"
    case .expectingProof: "expectingProof"
    case .awaitingVerdictTurn(.refuse): "awaitingVerdictTurn(refuse)"
    case .awaitingVerdictTurn(.checkProof): "awaitingVerdictTurn(checkProof)"
    case .awaitingSessionSlot(let user, let role, _, let sequence): "awaitingSessionSlot(\(user), \(role.name), \(sequence))"
    case .loggedIn(let user, let role): "loggedIn(\(user), \(role.name))"
    case .closed: "closed"
    }
}

/// A client's side of the exchange, driving a machine with real SCRAM messages.
private struct Client {
    var exchange: ScramClientExchange
    let password: String

    init(user: String = "admin", password: String = adminPassword) {
        exchange = ScramClientExchange(user: user)
        self.password = password
    }

    var authLine: InboundLine { .line("AUTH SCRAM-SHA-256 \(exchange.clientFirst)") }

    /// Sends AUTH as line `sequence`; returns the challenge the machine sent.
    mutating func authenticate(_ machine: inout LoginStateMachine, sequence: Int = 1) throws -> String {
        let actions = machine.lineArrived(authLine, sequence: sequence)
        guard actions.count == 1, case .send(let frame) = actions[0], frame.kind == .challenge, frame.sequence == sequence else {
            throw ShellError("expected a challenge, got \(actions)")
        }
        return String(frame.payload.dropLast())
    }

    /// The proof line answering `challenge`.
    mutating func proofLine(for challenge: String) throws -> InboundLine {
        .line("PROOF " + (try exchange.proof(forChallenge: challenge, password: password, minimumIterations: FastLogin.iterations)))
    }
}

/// Drives a machine to the point where it has a right proof and waits for its verdict turn.
private func machineAwaitingRightVerdict(user: String = "admin", password: String = adminPassword) throws
    -> (LoginStateMachine, Client)
{
    var login = machine()
    var client = Client(user: user, password: password)
    let challenge = try client.authenticate(&login)
    #expect(login.lineArrived(try client.proofLine(for: challenge), sequence: 2) == [.requestVerdictTurn])
    return (login, client)
}

@Suite("The login state machine, transition by transition, without sockets")
struct LoginStateMachineTests {
    // MARK: - Expecting AUTH

    @Test("AUTH with a well-formed first message is answered at once with a challenge that extends the client's nonce")
    func authChallenges() throws {
        var login = machine()
        var client = Client()
        let challenge = try client.authenticate(&login, sequence: 3)
        #expect(name(login.state) == "expectingProof")
        let attributes = try #require(ScramAttributes(parsing: Substring(challenge)))
        #expect(attributes["i"] == "4096")
        let clientNonce = try #require(ScramAttributes(parsing: Substring(client.exchange.clientFirst.dropFirst(3)))?["r"])
        #expect(attributes["r"]?.hasPrefix(clientNonce) == true)
        #expect(login.failures == 0)
    }

    @Test("An unknown user is challenged like a known one: the challenge does not tell")
    func unknownUserChallenged() throws {
        var login = machine()
        var client = Client(user: "nobody")
        let challenge = try client.authenticate(&login)
        #expect(ScramAttributes(parsing: Substring(challenge))?["i"] == "4096")
        #expect(name(login.state) == "expectingProof")
    }

    @Test("A malformed AUTH message waits for the verdict turn, then is denied with the reason, and AUTH is expected again")
    func malformedAuth() {
        var login = machine()
        #expect(login.lineArrived(.line("AUTH SCRAM-SHA-256 n=admin"), sequence: 1) == [.requestVerdictTurn])
        #expect(name(login.state) == "awaitingVerdictTurn(refuse)")
        #expect(login.isAwaitingVerdictTurn)
        let reason = "malformed login message: \(ScramServerExchange.Failure.malformed("expected 'n,,' (no channel binding)"))"
        #expect(login.verdictTurnArrived() == denial(reason, sequence: 1))
        #expect(name(login.state) == "expectingAuth")
        #expect(login.failures == 1)
    }

    @Test("Any other line before AUTH is denied in turn with what to send instead", arguments: ["hello", "PROOF c=biws,r=x,p=y", "help"])
    func otherLineBeforeAuth(text: String) {
        var login = machine()
        #expect(login.lineArrived(.line(text), sequence: 4) == [.requestVerdictTurn])
        #expect(login.verdictTurnArrived() == denial("log in first: AUTH SCRAM-SHA-256 n,,n=USER,r=NONCE", sequence: 4))
        #expect(name(login.state) == "expectingAuth")
    }

    @Test(
        "A line the decoder refused is denied in turn with its problem, and AUTH is still expected",
        arguments: [InboundLine.tooLong(limit: 4_096), .invalidUTF8, .controlBytes, .telnetNegotiation])
    func badLineBeforeAuth(line: InboundLine) throws {
        var login = machine()
        #expect(login.lineArrived(line, sequence: 1) == [.requestVerdictTurn])
        #expect(login.verdictTurnArrived() == denial(try #require(line.problem), sequence: 1))
        #expect(name(login.state) == "expectingAuth")
    }

    @Test("An HTTP request line closes the connection at once, without a verdict or a goodbye")
    func httpBeforeAuth() {
        var login = machine()
        #expect(
            login.lineArrived(.line("GET / HTTP/1.1"), sequence: 1)
                == [.log(.warning, "HTTP request on the manhole port refused", ["peer": "10.0.0.1:4242"]), .close])
        #expect(name(login.state) == "closed")
        #expect(login.failures == 0)
    }

    @Test("Before AUTH, a verdict turn or a session slot nobody asked for changes nothing")
    func unaskedEventsBeforeAuth() {
        var login = machine()
        #expect(login.verdictTurnArrived() == [])
        #expect(login.sessionSlotGranted() == [])
        #expect(login.sessionSlotRefused("full") == [])
        #expect(name(login.state) == "expectingAuth")
    }

    @Test("The login deadline says goodbye, whichever step the login is at", arguments: [0, 1])
    func timerBeforeVerdict(step: Int) throws {
        var login = machine()
        var client = Client()
        if step == 1 { _ = try client.authenticate(&login) }
        #expect(login.loginTimerFired() == [timedOut])
        #expect(name(login.state) == "closed")
    }

    @Test("The end of input changes nothing by itself, but a line that needs a verdict then closes without one")
    func inputEndedThenLine() {
        var login = machine()
        #expect(login.inputEnded() == [])
        #expect(name(login.state) == "expectingAuth")
        #expect(login.lineArrived(.line("hello"), sequence: 1) == [leftBeforeVerdict, .close])
        #expect(name(login.state) == "closed")
        #expect(login.failures == 0, "no verdict was given")
    }

    @Test("After the end of input, AUTH is still challenged (a challenge is no verdict)")
    func inputEndedThenAuth() throws {
        var login = machine()
        var client = Client()
        _ = login.inputEnded()
        _ = try client.authenticate(&login)
        #expect(name(login.state) == "expectingProof")
    }

    @Test("A session that ends before AUTH has nothing to leave")
    func endedBeforeAuth() {
        var login = machine()
        #expect(login.sessionEnded() == [])
        #expect(name(login.state) == "closed")
    }

    // MARK: - Expecting PROOF

    @Test("A right proof waits for its turn, records the welcome, claims a slot; granted, it logs in with a WELCOME the client verifies")
    func rightProof() throws {
        let (start, client) = try machineAwaitingRightVerdict()
        var login = start
        #expect(name(login.state) == "awaitingVerdictTurn(checkProof)")
        #expect(login.verdictTurnArrived() == [.recordSuccess, .claimSessionSlot(user: "admin", role: .admin)])
        #expect(name(login.state) == "awaitingSessionSlot(admin, admin, 2)")
        let actions = login.sessionSlotGranted()
        #expect(actions.count == 3)
        #expect(actions.first == .loggedIn(user: "admin", role: .admin))
        #expect(actions.dropFirst().first == .log(.info, "logged in", ["role": "admin", "peer": "10.0.0.1:4242"]))
        guard case .send(let welcome) = actions.last else { throw ShellError("no welcome: \(actions)") }
        #expect(welcome.kind == .welcome && welcome.sequence == 2)
        let fields = welcome.payload.dropLast().split(separator: " ")
        #expect(fields.dropFirst() == ["user=admin", "role=admin", "session=7"])
        try client.exchange.verifyServer(String(fields[0]))
        #expect(name(login.state) == "loggedIn(admin, admin)")
    }

    @Test("A read-only user's right proof claims a read-only slot")
    func readOnlyProof() throws {
        var (login, _) = try machineAwaitingRightVerdict(user: "viewer", password: viewerPassword)
        #expect(login.verdictTurnArrived() == [.recordSuccess, .claimSessionSlot(user: "viewer", role: .readOnly)])
    }

    @Test("A wrong password, an unknown user and a malformed proof get the same denial, and AUTH is expected again")
    func wrongProof() throws {
        for (user, password) in [("admin", "wrong password"), ("nobody", adminPassword)] {
            var (login, _) = try machineAwaitingRightVerdict(user: user, password: password)
            #expect(login.verdictTurnArrived() == denial("authentication failed", sequence: 2, user: user))
            #expect(name(login.state) == "expectingAuth")
        }
        var login = machine()
        var client = Client()
        _ = try client.authenticate(&login)
        #expect(login.lineArrived(.line("PROOF garbage"), sequence: 2) == [.requestVerdictTurn])
        #expect(login.verdictTurnArrived() == denial("authentication failed", sequence: 2, user: "admin"))
        #expect(name(login.state) == "expectingAuth")
    }

    @Test("A proof for an earlier challenge fails: every challenge carries a fresh nonce")
    func replayedProof() throws {
        var login = machine()
        var client = Client()
        let first = try client.authenticate(&login)
        let proof = try client.proofLine(for: first)
        _ = login.lineArrived(.line("AUTH twice"), sequence: 2)
        _ = login.verdictTurnArrived()
        _ = try client.authenticate(&login, sequence: 3)
        _ = login.lineArrived(proof, sequence: 4)
        #expect(login.verdictTurnArrived() == denial("authentication failed", sequence: 4, failures: 2, user: "admin"))
    }

    @Test("AUTH twice: the second is denied in turn as not a proof, and the login starts over")
    func authTwice() throws {
        var login = machine()
        var client = Client()
        _ = try client.authenticate(&login)
        #expect(login.lineArrived(client.authLine, sequence: 2) == [.requestVerdictTurn])
        #expect(login.verdictTurnArrived() == denial("expected PROOF c=biws,r=NONCE,p=PROOF", sequence: 2))
        #expect(name(login.state) == "expectingAuth")
        var again = Client()
        _ = try again.authenticate(&login, sequence: 3)
        #expect(name(login.state) == "expectingProof")
    }

    @Test("A refused line after the challenge is denied, but the challenge stands: the right proof still logs in")
    func badLineKeepsChallenge() throws {
        var login = machine()
        var client = Client()
        let challenge = try client.authenticate(&login)
        #expect(login.lineArrived(.controlBytes, sequence: 2) == [.requestVerdictTurn])
        #expect(login.verdictTurnArrived() == denial(try #require(InboundLine.controlBytes.problem), sequence: 2))
        #expect(name(login.state) == "expectingProof")
        _ = login.lineArrived(try client.proofLine(for: challenge), sequence: 3)
        #expect(login.verdictTurnArrived() == [.recordSuccess, .claimSessionSlot(user: "admin", role: .admin)])
    }

    @Test("An HTTP header line after the challenge closes at once")
    func httpAfterChallenge() throws {
        var login = machine()
        var client = Client()
        _ = try client.authenticate(&login)
        #expect(login.lineArrived(.line("Host: localhost"), sequence: 2).last == .close)
        #expect(name(login.state) == "closed")
    }

    @Test("After the end of input, a proof closes without a verdict")
    func inputEndedThenProof() throws {
        var login = machine()
        var client = Client()
        let challenge = try client.authenticate(&login)
        _ = login.inputEnded()
        #expect(login.lineArrived(try client.proofLine(for: challenge), sequence: 2) == [leftBeforeVerdict, .close])
        #expect(name(login.state) == "closed")
    }

    // MARK: - Awaiting the verdict turn

    @Test("While the verdict waits, a line is dropped and the verdict still waits (the driver reads none meanwhile)")
    func lineWhileAwaitingTurn() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        #expect(login.lineArrived(.line("PROOF again"), sequence: 3) == [])
        #expect(name(login.state) == "awaitingVerdictTurn(checkProof)")
        #expect(login.sessionSlotGranted() == [])
        #expect(login.verdictTurnArrived().first == .recordSuccess)
    }

    @Test("The deadline while the verdict waits leaves the source's queue, then says goodbye")
    func timerWhileAwaitingTurn() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        #expect(login.loginTimerFired() == [.leaveVerdictQueue, timedOut])
        #expect(login.verdictTurnArrived() == [])
    }

    @Test("The end of input while the verdict waits leaves the queue and closes without a verdict")
    func inputEndedWhileAwaitingTurn() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        #expect(login.inputEnded() == [.leaveVerdictQueue, leftBeforeVerdict, .close])
        #expect(name(login.state) == "closed")
        #expect(login.verdictTurnArrived() == [])
    }

    @Test("The turn arriving after the peer left gives no verdict and records nothing")
    func turnAfterPeerLeft() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        #expect(login.sessionEnded() == [.leaveVerdictQueue])
        #expect(login.verdictTurnArrived() == [])
        #expect(name(login.state) == "closed")
    }

    // MARK: - Awaiting a session slot

    @Test("A refused slot logs the limit and says goodbye with it")
    func slotRefused() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        _ = login.verdictTurnArrived()
        let reason = SessionRefusal.tooManySessionsForUser("admin", 4).description
        #expect(
            login.sessionSlotRefused(reason) == [
                .log(.warning, "login refused: session limit", ["user": "admin", "reason": "\(reason)"]),
                .goodbye(reason: reason, level: .warning),
            ])
        #expect(name(login.state) == "closed")
        #expect(login.sessionSlotGranted() == [])
    }

    @Test("While the slot is claimed, lines and turns are ignored; the deadline says goodbye without leaving any queue")
    func eventsWhileAwaitingSlot() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        _ = login.verdictTurnArrived()
        #expect(login.lineArrived(.line("help"), sequence: 3) == [])
        #expect(login.verdictTurnArrived() == [])
        #expect(login.inputEnded() == [])
        #expect(name(login.state) == "awaitingSessionSlot(admin, admin, 2)")
        #expect(login.loginTimerFired() == [timedOut])
    }

    @Test("A session that ends while its slot is claimed has no queue to leave")
    func endedWhileAwaitingSlot() throws {
        var (login, _) = try machineAwaitingRightVerdict()
        _ = login.verdictTurnArrived()
        #expect(login.sessionEnded() == [])
        #expect(login.sessionSlotGranted() == [])
    }

    // MARK: - Failures, logged in, closed

    @Test("The failure that reaches the limit is denied, then the connection is told goodbye; counts are logged")
    func failuresClose() {
        var login = machine(maxFailures: 3)
        for sequence in 1...3 {
            #expect(login.lineArrived(.invalidUTF8, sequence: sequence) == [.requestVerdictTurn])
            var expected = denial(InboundLine.invalidUTF8.problem!, sequence: sequence, failures: sequence)
            if sequence == 3 { expected.append(.goodbye(reason: "too many failed logins", level: .warning)) }
            #expect(login.verdictTurnArrived() == expected)
        }
        #expect(name(login.state) == "closed")
        #expect(login.lineArrived(.line("hello"), sequence: 4) == [])
    }

    @Test("A name with terminal controls is logged escaped; the client is told only that authentication failed")
    func escapedUserInLog() throws {
        var (login, _) = try machineAwaitingRightVerdict(user: "evil\u{1B}[2J", password: "x")
        #expect(login.verdictTurnArrived() == denial("authentication failed", sequence: 2, user: "evil\\u{1B}[2J"))
    }

    @Test("Once logged in, the machine ignores every event: the shell has the connection")
    func loggedInIgnoresEverything() throws {
        let (start, client) = try machineAwaitingRightVerdict()
        var login = start
        _ = login.verdictTurnArrived()
        _ = login.sessionSlotGranted()
        #expect(login.lineArrived(client.authLine, sequence: 3) == [])
        #expect(login.verdictTurnArrived() == [])
        #expect(login.sessionSlotGranted() == [])
        #expect(login.sessionSlotRefused("x") == [])
        #expect(login.loginTimerFired() == [])
        #expect(login.inputEnded() == [])
        #expect(name(login.state) == "loggedIn(admin, admin)")
        #expect(login.sessionEnded() == [])
        #expect(name(login.state) == "closed")
    }

    @Test("Once closed, the machine ignores every event")
    func closedIgnoresEverything() throws {
        var login = machine()
        let client = Client()
        _ = login.sessionEnded()
        #expect(login.lineArrived(client.authLine, sequence: 1) == [])
        #expect(login.lineArrived(.line("GET / HTTP/1.1"), sequence: 2) == [])
        #expect(login.verdictTurnArrived() == [])
        #expect(login.sessionSlotGranted() == [])
        #expect(login.loginTimerFired() == [])
        #expect(login.inputEnded() == [])
        #expect(login.sessionEnded() == [])
        #expect(name(login.state) == "closed")
    }
}
