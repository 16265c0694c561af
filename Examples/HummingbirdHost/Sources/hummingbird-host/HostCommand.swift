import ArgumentParser
import Foundation
import HummingbirdHostApp
import Logging
import Manhole
import Metrics

/// `hummingbird-host`: a Hummingbird 2 application with a cache, a job queue and a pool stand-in,
/// and a manhole that shows them, run by one ServiceGroup. SIGTERM or SIGINT stop it gracefully.
@main
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hummingbird-host",
        abstract: "An example Hummingbird 2 service with a manhole, both run by one ServiceGroup.",
        discussion: """
            The manhole user's password comes from MANHOLE_PASSWORD (at least 8 characters); \
            there is no default. Both listeners are on 127.0.0.1; each prints \
            "NAME listening on 127.0.0.1:PORT" once it listens.
            Connect with: manhole-client -p MANHOLE_PORT -u USER
            """)

    @Option(help: "The HTTP port on 127.0.0.1 (0 picks a free one).")
    var httpPort = 8080

    @Option(help: "The manhole's port on 127.0.0.1 (0 picks a free one).")
    var manholePort = 5022

    @Option(help: "The manhole user's name (an admin).")
    var user = "admin"

    @Option(help: "The most manhole sessions the user may hold at once (the manhole's default is 4).")
    var sessionsPerUser = 4

    @Option(help: "The minimum log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    func validate() throws {
        for (name, port) in [("--http-port", httpPort), ("--manhole-port", manholePort)] where !(0...65_535).contains(port) {
            throw ValidationError("\(name) must be from 0 to 65535")
        }
        guard (1...16).contains(sessionsPerUser) else {
            throw ValidationError("--sessions-per-user must be from 1 to 16 (the manhole's whole limit)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        guard let password = ProcessInfo.processInfo.environment["MANHOLE_PASSWORD"], password.count >= 8 else {
            // Refused before anything starts: a manhole without a real password is never served.
            FileHandle.standardError.write(Data(
                "hummingbird-host: set MANHOLE_PASSWORD to the manhole password for \(user) (at least 8 characters)\n".utf8))
            throw ExitCode(2)
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // The host's metrics (Hummingbird's MetricsMiddleware records every request) kept in
        // memory for the manhole's `metrics` table; a host that also exports to Prometheus puts
        // both factories in a MultiplexMetricsHandler.
        let recorder = MetricsRecorder()
        MetricsSystem.bootstrap(recorder.factory)
        let logger = Logger(label: "hummingbird-host")
        var manhole = Manhole.Configuration()
        manhole.metrics = recorder
        manhole.port = manholePort
        manhole.maxSessionsPerUser = sessionsPerUser
        let server = HostServer(
            httpPort: httpPort, manholeConfiguration: manhole,
            accounts: [Account(name: user, password: password, role: .admin)], logger: logger)
        do {
            try await server.run()
        } catch {
            logger.error("stopped by an error", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.notice("stopped")
    }
}
