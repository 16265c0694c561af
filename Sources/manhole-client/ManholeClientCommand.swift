import ArgumentParser
import CLibEdit
import Foundation
import ManholeClient
import ManholeWire

/// `manhole-client`: connects to a manhole, logs in, and runs commands: interactively on a
/// terminal (libedit prompt with history and server-driven completion), or from `-c`, a script
/// or a pipe, with exit codes for scripts.
@main
struct ManholeClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manhole-client",
        abstract: "Connect to a manhole and inspect the live process behind it.",
        discussion: """
            The password comes from --password-stdin (the first line of standard input), else the \
            MANHOLE_PASSWORD environment variable, else a prompt without echo (only on a terminal).

            With -c the commands run in order and the client exits. Otherwise, when standard \
            input is a terminal, an interactive prompt starts (Tab completes commands and object \
            paths, the arrow keys walk the history kept in ~/.manhole_history, Ctrl-C clears the \
            line, Ctrl-D quits, ~/.editrc is read); when it is not, commands are read from it one \
            per line (blank lines and lines starting with # are skipped).

            Notices (from watch) are printed as they arrive: above the prompt, the half-typed \
            line drawn again below them; in scripts, between replies as "notice: TEXT" (with \
            --json, {"notice":true,"payload":…}). Ctrl-C while a command runs, or while \
            log --follow shows lines, sends the server an interrupt and prints its answer; the \
            client keeps running.

            With --target HOST:PORT (repeatable) or --targets FILE (one HOST:PORT a line, at \
            most 64 in all) the commands run on every target at once, with the same user and \
            password; each line of output starts with its target (--json adds a "target" \
            field), and the exit code is the worst of all targets.

            EXIT CODES
              0  every command succeeded
              1  a command failed (the server answered with an error; the others still ran)
              2  no connection: server unreachable, login failed or refused (weak server
                 parameters), no password, connection lost, or a reply too large

            EXAMPLES
              manhole-client -p 5022
              manhole-client --socket /run/myapp-manhole/manhole.sock
              MANHOLE_PASSWORD=… manhole-client -p 5022 -c ls -c 'inspect app.config'
              manhole-client -p 5022 --json -c timers < /dev/null | jq .
              manhole-client --target 10.0.0.5:5022 --target 10.0.0.6:5022 -c health
            """)

    @Option(name: [.customShort("H"), .long], help: "The manhole's host (default: 127.0.0.1).")
    var host: String?

    @Option(name: .shortAndLong, help: "The manhole's TCP port (default: 5022).")
    var port: Int?

    @Option(name: .customLong("socket"), help: ArgumentHelp("The manhole's Unix-domain socket, instead of TCP.", valueName: "path"))
    var socketPath: String?

    @Option(name: .shortAndLong, help: "The user name (default: $USER).")
    var user: String?

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(name: [.customShort("c"), .customLong("command")], help: "Run a command and exit (repeatable; in order).")
    var commands: [String] = []

    @Flag(help: "Print each reply as one JSON object per line: {\"command\":…,\"ok\":…,\"reply\":…}.")
    var json = false

    @Flag(help: "Never colour the output (colour is used only on a terminal anyway).")
    var noColor = false

    @Option(help: "Seconds to wait for a reply before giving up.")
    var timeout = 30

    @Flag(help: ArgumentHelp(
        "Log in even if the server asks for fewer than 210,000 PBKDF2 iterations or a salt under 16 bytes.",
        discussion: "Only for a test server known to use weak parameters: an impostor on the port would get a proof cheap to crack offline."))
    var allowWeakServerParameters = false

    @Option(name: .customLong("target"), help: ArgumentHelp(
        "Run the commands on this manhole, at once with the other targets (repeatable; [::1]:5022 for IPv6); not with -H, -p or --socket.",
        valueName: "host:port"))
    var targetOptions: [String] = []

    @Option(name: .customLong("targets"), help: ArgumentHelp(
        "Run the commands on each HOST:PORT listed in this file (one a line; blank lines and # comments skipped).",
        valueName: "file"))
    var targetFiles: [String] = []

    @Option(help: "The largest reply, in bytes, the client reads; a server announcing more ends the connection (exit 2).")
    var maxReplyBytes = ManholeConnection.defaultMaximumPayloadBytes

    mutating func validate() throws {
        if socketPath != nil, port != nil { throw ValidationError("--socket and -p/--port are mutually exclusive") }
        guard maxReplyBytes > 0 else { throw ValidationError("--max-reply-bytes must be positive") }
        try validateFanOut()
    }

    /// Where the client connects, as the prompt and messages show it.
    private var target: String { socketPath ?? "\(host ?? "127.0.0.1"):\(port ?? 5022)" }

    mutating func run() throws {
        if isFanOut { return try runFanOut() }
        let environment = ProcessInfo.processInfo.environment
        let sink = StandardStreams()
        let printer = ReplyPrinter(
            mode: json ? .jsonLines : .text,
            colorOutput: !json && Terminal.wantsColor(1, disabled: noColor, environment: environment),
            colorError: Terminal.wantsColor(2, disabled: noColor, environment: environment),
            sink: sink)
        let user = user ?? environment["USER"] ?? "admin"
        let input = LineReader(descriptor: 0)
        let interactive = commands.isEmpty && Terminal.isTerminal(0) && Terminal.isTerminal(1) && !passwordStdin

        let password: String
        do {
            password = try PasswordSource.resolve(
                fromStandardInput: passwordStdin, environment: environment, input: input,
                promptLabel: "\(user)@\(target)")
        } catch {
            printer.problem("\(error)")
            throw ExitCode(ClientExitStatus.connectionFailed.rawValue)
        }

        let connection: ManholeConnection
        let welcome: Welcome
        do {
            connection = try socketPath.map { try ManholeConnection(socketPath: $0, timeout: .seconds(max(1, timeout))) }
                ?? ManholeConnection(host: host ?? "127.0.0.1", port: port ?? 5022, timeout: .seconds(max(1, timeout)))
            welcome = try logIn(connection, user: user, password: password)
        } catch {
            printer.problem(FailureText.explain(error))
            throw ExitCode(ClientExitStatus.connectionFailed.rawValue)
        }
        defer { connection.close() }

        let transport = InterruptibleTransport(connection)
        let session = Session(transport: transport, printer: printer)
        if !commands.isEmpty {
            _ = session.run(lines: commands)
        } else if interactive {
            runInteractive(session: session, transport: transport, printer: printer, welcome: welcome)
        } else {
            _ = session.run(lines: AnyIterator { input.readLine() }.lazy)
        }
        session.reportLoss()
        if session.status != .success { throw ExitCode(session.status.rawValue) }
    }

    /// Logs in with this run's limits: the reply cap, and the server parameters it accepts.
    private func logIn(_ connection: ManholeConnection, user: String, password: String) throws -> Welcome {
        connection.maximumPayloadBytes = maxReplyBytes
        return try connection.login(
            user: user, password: password,
            minimumIterations: allowWeakServerParameters ? 1 : ScramClientExchange.defaultMinimumIterations,
            minimumSaltLength: allowWeakServerParameters ? 0 : ScramClientExchange.defaultMinimumSaltLength)
    }

    private func runInteractive(session: Session, transport: InterruptibleTransport, printer: ReplyPrinter, welcome: Welcome) {
        // Ctrl-C while a command or a follow runs interrupts it, not the client.
        manhole_install_signal_handlers()
        let who = TerminalText.visible(welcome.user ?? "?")
        let role = TerminalText.visible(welcome.role ?? "?")
        printer.info(
            "connected to \(target) as \(who) (\(role)), session \(welcome.session.map(String.init) ?? "?")."
                + " Type help; Tab completes; Ctrl-D quits.")
        let prompt = printer.colorOutput
            ? "\u{1}\u{1B}[36m\u{1}\(who)@manhole\u{1}\u{1B}[0m\u{1}> " : "\(who)@manhole> "
        let historyPath = ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.manhole_history" }
        let editor = LineEditor(program: "manhole-client", prompt: prompt, historyPath: historyPath)
        editor.completer = { session.completion(for: $0) }
        editor.listWriter = { printer.raw($0) }
        editor.socketDescriptor = transport.descriptor
        editor.arrivals = { session.arrivedNotices() }
        editor.noticePrinter = { printer.notice($0) }
        while let line = editor.readLine() {
            if session.run(line) != .proceed { return }
            if InputLine.isFollow(line), session.lastSucceeded {
                printer.info("following; Ctrl-C stops")
                if session.follow() != .proceed { return }
            }
        }
        if session.lostReason == nil { printer.raw("\n") }
    }
}
