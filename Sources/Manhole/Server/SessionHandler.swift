import Logging
import NIOCore
import Reactor

/// One connection: the login exchange, then one command at a time, each answered by one framed
/// reply in one write. Runs on the manhole's own event loop (not the reactor's), and nothing here blocks it.
///
/// The handler only carries lines and frames: the login's decisions are the
/// ``LoginStateMachine``'s (SessionHandler+Login executes its actions), a logged-in user's lines
/// are the ``Shell``'s (SessionHandler+Commands). What stays here is the transport's part:
/// admission (SessionHandler+Admission), flow control (SessionHandler+FlowControl), and the
/// timers and goodbye (SessionHandler+Goodbye).
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundLine
    typealias OutboundOut = ByteBuffer

    let environment: ShellEnvironment
    let shell: Shell
    let credentials: CredentialStore
    var configuration: Manhole.Configuration { environment.configuration }
    var logger: Logger
    /// The login; replaced once the connection is admitted and has its id.
    var login: LoginStateMachine
    /// Who the connection runs commands as, once logged in.
    var caller: Shell.Caller?
    /// Whether the session is closing: it reads and answers nothing more.
    var closing = false
    var id = 0
    var peer = "?"
    /// Who the connection counts as for the login throttle and the log limit.
    var source = LoginSource.address("?")
    /// The number of the last line taken up (the frames that answer it carry it).
    var sequence = 0
    var pending: [Queued] = []
    var pendingHead = 0
    /// Whether a line is being answered (a command runs, or a verdict waits for its turn): the
    /// next line waits.
    var busy = false
    /// The command running while `busy`, and its interrupt.
    var running: (name: String, interruption: CallInterruption)?
    /// Whether the session waits for the shell's budget (``LoopBudget``).
    var waitingForTurn = false
    var loginTimer: Scheduled<Void>?
    var idleTimer: IdleTimer?
    /// Whether the channel reads on its own right now (see ``pauseReadingIfBehind()``).
    var reading = true
    /// Whether the client has shut down its sending side: the session closes once it has
    /// answered every complete line it received.
    var inputClosed = false
    var context: ChannelHandlerContext?
    /// The source the listener already knows (a Unix-domain peer's uid); otherwise it is taken
    /// from the peer's address.
    let knownSource: LoginSource?

    /// Whether the connection has logged in (its logs are no longer limited per source).
    var loggedIn: Bool { caller != nil }

    init(environment: ShellEnvironment, credentials: CredentialStore, source: LoginSource? = nil) {
        self.environment = environment
        self.shell = Shell(environment: environment)
        self.credentials = credentials
        self.knownSource = source
        self.logger = environment.configuration.logger
        self.login = LoginStateMachine(sessionID: 0, peer: "?", credentials: credentials, settings: Self.loginSettings(environment))
    }

    /// The login's limits, from the configuration.
    static func loginSettings(_ environment: ShellEnvironment) -> LoginStateMachine.Settings {
        .init(maxFailures: environment.configuration.maxFailuresPerConnection, timeout: environment.configuration.authTimeout)
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) { admit(context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        // Before login, a line is what keeps a pending connection's slot (see ServerState.admit).
        if !loggedIn { environment.state.heard(id: id) }
        let line = unwrapInboundIn(data)
        if loggedIn, let format = Self.interruptFormat(line) {
            interrupt(format: format)
        } else {
            pending.append(.line(line))
        }
        processPending()
        pauseReadingIfBehind()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeNotices()
            processPending()
            readMoreIfIdle()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        loginTimer?.cancel()
        idleTimer?.cancel()
        idleTimer = nil  // its closure holds this handler
        perform(login.sessionEnded())
        endWatches()
        if id != 0 {
            environment.state.remove(id: id)
            logBeforeLogin(.info, "session closed", ["peer": "\(peer)"])
        }
        closing = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let goodbye = event as? GoodbyeEvent {
            closeWithGoodbye(goodbye.reason, level: .info)
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            // A login waiting for its verdict closes at once (the machine says so).
            let actions = login.inputEnded()
            guard actions.isEmpty else { return perform(actions) }
            // Lines read before the end of input are answered first (see readMoreIfIdle()).
            inputClosed = true
            readMoreIfIdle()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Takes up one line: the login's while the connection logs in, the shell's after.
    func handle(_ line: InboundLine) {
        guard !closing else { return }
        if let caller {
            resetIdleTimer()
            runCommand(line, caller: caller)
        } else {
            perform(login.lineArrived(line, sequence: sequence))
        }
    }
}
