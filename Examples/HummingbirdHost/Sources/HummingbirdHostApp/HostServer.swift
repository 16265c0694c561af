import Foundation
public import Logging
public import Manhole
import ManholeLifecycle
import Reactor
import Hummingbird
import ServiceLifecycle

/// The example host put together: the reactor, the manhole with the host's state registered,
/// the Hummingbird application and the job worker, run by one `ServiceGroup` until SIGTERM or
/// SIGINT (trapped from the start, see `EarlySignals`).
///
/// The group stops its services in reverse order: the manhole first (every session gets its
/// goodbye), then the HTTP server (requests in flight finish; nothing new is accepted), then the
/// worker (it finishes the queued jobs), then the reactor.
public struct HostServer: Sendable {
    /// Where the HTTP server listens.
    public var httpHost = "127.0.0.1"
    /// The HTTP port; 0 picks a free one.
    public var httpPort: Int
    /// The manhole's settings: port, limits, logger. A host that wants more (a metrics backend,
    /// a log ring, a Unix-domain socket) sets it here before ``run()``.
    public var manholeConfiguration: Manhole.Configuration
    /// The manhole's accounts.
    public var accounts: [Account]
    /// The state the routes change and the manhole shows.
    public var state: HostState
    /// The logger every part logs to.
    public var logger: Logger
    /// Called with each listener's bound address once it listens (`http`, `manhole`), so a
    /// caller that asked for port 0 learns the port; by default a line on standard output:
    /// `http listening on 127.0.0.1:PORT`.
    public var onListening: @Sendable (_ listener: String, _ host: String, _ port: Int) -> Void = HostServer.announce

    /// A host with default state, for `accounts`, on `httpPort` and the manhole's port in
    /// `manholeConfiguration`.
    public init(httpPort: Int, manholeConfiguration: Manhole.Configuration, accounts: [Account], logger: Logger) {
        self.httpPort = httpPort
        self.manholeConfiguration = manholeConfiguration
        self.accounts = accounts
        self.state = HostState()
        self.logger = logger
    }

    /// Starts everything and serves until a graceful shutdown (SIGTERM, SIGINT) has stopped it.
    /// - Throws: ``ManholeError`` when the manhole cannot start (a bad password, a port in use);
    ///   the HTTP server's error when its port cannot be bound.
    public func run() async throws {
        // Trapped before the manhole listens, so that a SIGTERM from now on is a graceful shutdown.
        let signals = await EarlySignals.trap([.sigterm, .sigint], logger: logger)
        // Kept until `run()` returns, on every way out: letting go of it stops the watching.
        defer { withExtendedLifetime(signals) {} }
        var configuration = manholeConfiguration
        configuration.logger = logger
        let reactor = Reactor.setup(configuration: Reactor.Configuration(logger: logger))
        // Manhole.start derives the accounts' keys (PBKDF2) and binds on its own thread: blocking
        // work, done once before the services start.
        let manhole = try Manhole.start(accounts: accounts, configuration: configuration, reactor: reactor)
        try state.register(with: manhole)
        onListening("manhole", manholeConfiguration.host, manhole.port)

        let onListening = self.onListening
        let app = Application(
            router: Routes.router(for: state),
            configuration: ApplicationConfiguration(address: .hostname(httpHost, port: httpPort), serverName: "hummingbird-host"),
            onServerRunning: { channel in
                onListening("http", channel.localAddress?.ipAddress ?? "?", channel.localAddress?.port ?? 0)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ReactorService(reactor), JobWorker(queue: state.jobs), app, ManholeService(manhole)],
                logger: logger))
        await signals.shutDown(group)
        try await group.run()
    }

    /// Prints `NAME listening on HOST:PORT` on standard output, at once (not held in a buffer
    /// when stdout is a pipe): what a test or script reads to find ports picked with 0.
    @Sendable public static func announce(_ listener: String, _ host: String, _ port: Int) {
        FileHandle.standardOutput.write(Data("\(listener) listening on \(host):\(port)\n".utf8))
    }
}
