import ArgumentParser
import Foundation
import Inspector
import ManholeSSH
import Logging
import Metrics
import Manhole
import Reactor

/// `manhole-demo`: a small service that looks like a real one. Its main thread runs blocking
/// work (a job loop); the reactor runs background work beside it (a looping call, a few stashed
/// results); a manhole on 127.0.0.1 lets an operator look at all of it while it runs.
/// SIGINT or SIGTERM stop it cleanly.
@main
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manhole-demo",
        abstract: "A demo service with a manhole: blocking jobs on the main thread, background work on the reactor.",
        discussion: """
            The password for --user comes from MANHOLE_PASSWORD; without it one is generated and \
            shown once on the terminal (/dev/tty), or, without a terminal, written to a new file \
            of mode 0600 whose path is printed (never the password itself on stdout or stderr, \
            where logs collect it). There is no default password. The manhole listens on \
            127.0.0.1 only.
            Connect with: manhole-client -p PORT -u USER
            """)

    @Option(help: "The manhole's TCP port on 127.0.0.1 (0 picks a free one).")
    var port = 5022

    @Option(help: "The admin user's name.")
    var user = "admin"

    @Option(help: "Also create this read-only user (password from MANHOLE_VIEWER_PASSWORD, or generated).")
    var viewerUser: String?

    @Option(help: ArgumentHelp(
        "Where to write a generated admin password when there is no terminal (default: $TMPDIR/manhole-demo-password-PID).",
        discussion: "Created with mode 0600; an existing file is not overwritten. A generated viewer password goes to the same path followed by -USER."))
    var passwordFile: String?

    @Option(help: "The minimum log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    @Option(help: "Also serve the shell over SSH on this port of 127.0.0.1 (ssh -p PORT USER@127.0.0.1; 0 picks a free one).")
    var sshPort: Int?

    @Option(help: "The SSH host key's file (Ed25519, mode 0600), created at first start; default: a new key per run.")
    var sshHostKey: String?

    @Option(help: "An authorized_keys-style file of public keys that may log in over SSH as the admin user.")
    var authorizedKeys: String?

    mutating func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // The host's recent lines for the manhole's `log` command: a ring's handler beside stderr's.
        let logRing = LogRing()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return MultiplexLogHandler([handler, logRing.handler(label: label)])
        }
        // The host's metrics for the manhole's `metrics` command (a host with its own backend
        // puts both in a MultiplexMetricsHandler).
        let recorder = MetricsRecorder()
        MetricsSystem.bootstrap(recorder.factory)
        let logger = Logger(label: "manhole-demo")
        let environment = ProcessInfo.processInfo.environment

        let adminFile = passwordFile ?? GeneratedPassword.defaultPath(environment: environment, admin: true, user: user)
        var accounts: [Account] = []
        // The password files written (no terminal), removed at a clean stop: the passwords die with the demo.
        var passwordFiles: [String] = []
        defer { for path in passwordFiles { unlink(path) } }
        do {
            let admin = try Self.password(from: environment["MANHOLE_PASSWORD"], for: user, file: adminFile)
            passwordFiles += admin.file.map { [$0] } ?? []
            accounts.append(Account(name: user, password: admin.password, role: .admin))
            if let viewerUser {
                let file = passwordFile.map { "\($0)-\(viewerUser)" }
                    ?? GeneratedPassword.defaultPath(environment: environment, admin: false, user: viewerUser)
                let viewer = try Self.password(from: environment["MANHOLE_VIEWER_PASSWORD"], for: viewerUser, file: file)
                passwordFiles += viewer.file.map { [$0] } ?? []
                accounts.append(Account(name: viewerUser, password: viewer.password, role: .readOnly))
            }
        } catch {
            logger.error("cannot hand over the generated password", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }

        // SIGINT and SIGTERM stop the reactor (the library's opt-in); its first shutdown phase
        // tells the job loop, which ends its job at once, and main returns (status 0).
        let stop = StopSignal()
        let reactor = Reactor.setup(configuration: .init(logger: logger))
        reactor.stopOnSignals(exitsProcess: false)
        reactor.addShutdownHook(name: "job loop", phase: .beforeStop) { stop.request() }
        let app = AppInfo()
        let jobs = JobQueue()
        let metrics = Metrics()

        // Background work on the reactor: a looping call, a timer that has not fired yet, and
        // stashed results in each state.
        let refreshInterval = Duration.seconds(2)
        let refresher = reactor.loopingCall(every: refreshInterval, name: "refresh-metrics") {
            metrics.refresh(interval: refreshInterval)
        }
        _ = reactor.callLater(.seconds(3_600), name: "nightly-report") {
            logger.info("nightly report sent")
        }
        _ = reactor.callLater(.seconds(300), name: "rotate-upstream-credentials") {
            logger.info("upstream credentials rotated")
        }
        let stashed = Self.stashResults(on: reactor)

        var configuration = Manhole.Configuration()
        configuration.port = port
        configuration.logger = logger
        configuration.logRing = logRing
        configuration.metrics = recorder
        let manhole: Manhole
        do {
            manhole = try Manhole.start(
                accounts: accounts, namespace: ["app": app, "config": app.config], configuration: configuration,
                reactor: reactor)
        } catch {
            logger.error("cannot start the manhole", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        manhole.inspector.register("jobs") { jobs.snapshot() }
        manhole.inspector.register("metrics") { metrics.snapshot() }
        manhole.inspector.register("results") { stashed }
        try HostCommands.register(on: manhole, jobs: jobs, reactor: reactor)
        let ssh = try sshPort.map { port in
            try SSHDemo.start(on: manhole, port: port, hostKey: sshHostKey, authorizedKeys: authorizedKeys.map { [user: $0] } ?? [:], logger: logger)
        }

        say("manhole-demo: \(app.name) running (pid \(app.pid)); manhole on 127.0.0.1:\(manhole.port)")
        say("connect with: manhole-client -p \(manhole.port) -u \(user)")
        if let ssh { say("or with ssh: ssh -p \(ssh.port) \(user)@127.0.0.1 (host key \(ssh.hostKeyFingerprint))") }

        JobLoop(reactor: reactor, jobs: jobs, metrics: metrics, stop: stop, logger: logger).run()

        refresher.stop()
        ssh?.stop()
        manhole.stop()
        logger.notice("stopped", metadata: ["processed": "\(jobs.snapshot().processed)"])
        // Returning from main stops the reactor (its exit hook): pending results are interrupted.
    }

    /// The password from the environment, or a generated one (never a default) shown once on
    /// the terminal or written to `file` (see ``GeneratedPassword``); only the file's path is
    /// printed. Returns the password, and the file when one was written.
    static func password(from value: String?, for user: String, file: String) throws -> (password: String, file: String?) {
        if let value, !value.isEmpty { return (value, nil) }
        let password = GeneratedPassword.make()
        let written = try GeneratedPassword.deliver(password, for: user, fileIfNoTerminal: file)
        if let written {
            say("manhole-demo: no terminal: the generated password for \(user) is in \(written) (mode 0600, removed at exit)")
        }
        return (password, written)
    }

    /// Stashes a few results for `results` to list: two pending (a deferred nobody settles yet,
    /// and a slow upstream call), one succeeded, one failed. Returns their ids by name.
    static func stashResults(on reactor: Reactor) -> [String: Int] {
        let pendingAck = reactor.runInReactor { reactor.makeDeferred(of: String.self) }.stash()
        let slowExport = reactor.runInReactor { () async throws -> Int in
            try await Task.sleep(for: .seconds(3_600))
            return 12_000
        }.stash()
        let warmCache = reactor.runInReactor { () -> [String] in ["EUR", "USD", "CHF"] }.stash()
        let upstream = reactor.runInReactor { () throws -> Int in
            throw DemoError.upstreamUnavailable("payments.internal:8443")
        }.stash()
        return ["awaiting-ack": pendingAck, "bulk-export": slowExport, "currency-cache": warmCache, "upstream-probe": upstream]
    }
}

/// Writes a line to standard output at once (unbuffered: a script waiting for it sees it).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
