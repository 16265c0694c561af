import ManholeWire
import Logging

/// The login's states, the events' verdicts and the actions the driver carries out.
extension LoginStateMachine {
    /// Where the login stands.
    enum State: Sendable {
        /// Greeted; expects `AUTH SCRAM-SHA-256 n,,n=USER,r=NONCE`.
        case expectingAuth
        /// Challenged; expects `PROOF c=biws,r=NONCE,p=PROOF`.
        case expectingProof(ScramServerExchange)
        /// A verdict is due and waits for the source's turn; the driver reads no line meanwhile.
        case awaitingVerdictTurn(Judgement)
        /// The proof was right; the session table must still find the user a slot.
        case awaitingSessionSlot(user: String, role: Role, signature: String, sequence: Int)
        /// Logged in: the shell takes the connection's lines from here.
        case loggedIn(user: String, role: Role)
        /// The connection is closing or gone; every event is ignored.
        case closed
    }

    /// A verdict to give once the source's turn comes.
    enum Judgement: Sendable {
        /// Deny the line with `reason` (the client sees it: the line was not what the login
        /// expects), then expect `next`.
        case refuse(reason: String, sequence: Int, next: Expectation)
        /// Check the client's proof against the exchange it answers.
        case checkProof(clientFinal: String, exchange: ScramServerExchange, sequence: Int)
    }

    /// What the login expects after a refused line: the same step again, or a fresh start.
    enum Expectation: Sendable {
        case auth
        case proof(ScramServerExchange)
    }

    /// What the driver does, in order.
    enum Action: Sendable, Equatable {
        /// Writes a frame to the client.
        case send(Frame)
        /// Asks for the source's verdict turn; the driver calls ``verdictTurnArrived()`` when it
        /// comes, at once or later.
        case requestVerdictTurn
        /// Takes the connection out of its source's verdict queue (it will not be judged).
        case leaveVerdictQueue
        /// Records a denial for the source (it counts towards the throttle's delay).
        case recordFailure
        /// Records a welcome for the source.
        case recordSuccess
        /// Asks the session table for a slot for `user`; the driver calls
        /// ``sessionSlotGranted()`` or ``sessionSlotRefused(_:)``.
        case claimSessionSlot(user: String, role: Role)
        /// The connection is logged in: the driver stops the login timer and hands the
        /// connection's next lines to the shell.
        case loggedIn(user: String, role: Role)
        /// Logs a line (before login, the driver limits these per source).
        case log(Logger.Level, String, Logger.Metadata)
        /// Says goodbye with `reason`, then closes.
        case goodbye(reason: String, level: Logger.Level)
        /// Closes without a goodbye.
        case close
    }

    /// The login's limits, from the configuration.
    struct Settings: Sendable {
        /// Denials after which the connection is closed.
        var maxFailures: Int
        /// The login deadline, as the goodbye tells it.
        var timeout: Duration
    }
}

extension LoginStateMachine.Expectation {
    /// The state that expects this.
    var state: LoginStateMachine.State {
        switch self {
        case .auth: .expectingAuth
        case .proof(let exchange): .expectingProof(exchange)
        }
    }
}
