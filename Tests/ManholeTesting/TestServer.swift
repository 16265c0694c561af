public import Manhole
public import ManholeClient
public import Reactor

/// A manhole on a free loopback port with its own reactor and the ``testAccounts``, stopped
/// when released: the server the test suites drive over real sockets.
public final class TestServer: Sendable {
    /// The server's own reactor.
    public let reactor: Reactor
    /// The running manhole.
    public let manhole: Manhole

    /// Starts a manhole with test settings, then `configure` (a suite's own changes) applied on
    /// top, inspecting `namespace`, on a reactor of its own made with `reactorConfiguration`.
    public init(
        configure: (inout Manhole.Configuration) -> Void = { _ in }, namespace: [String: any Sendable] = [:],
        reactor reactorConfiguration: Reactor.Configuration = Reactor.Configuration()
    ) throws {
        reactor = Reactor(configuration: reactorConfiguration)
        var configuration = Manhole.Configuration()
        configuration.port = 0
        configuration.pbkdf2Iterations = FastLogin.iterations
        configuration.logger.logLevel = .error
        // A failed login's verdict waits out a delay that grows with each failure from the same
        // source; production's (250 ms up to 8 s) would make the many tests that fail a login on
        // purpose crawl. GuessingTests sets its own and checks the throttle.
        configuration.failureDelays = .milliseconds(1) ... .milliseconds(20)
        // Debug and sanitizer builds run commands several times slower than release; the
        // production share (20 %), and the surcharge on stretches longer than the 250 µs slice,
        // would make the many-command tests crawl. ShellBudgetTests checks the budget itself.
        configuration.shellShare = 1
        configuration.shellSlice = .seconds(1)
        // Many tests open more sessions of one user than production allows (4);
        // SessionSlotTests sets the cap back and checks it.
        configuration.maxSessionsPerUser = 1_000
        configure(&configuration)
        manhole = try Manhole.start(
            accounts: testAccounts, namespace: namespace, configuration: configuration, reactor: reactor)
    }

    deinit {
        stop()
    }

    /// The TCP port the manhole listens on.
    public var port: Int { manhole.port }

    /// A connection logged in as `user` (the admin by default), accepting ``FastLogin`` iterations.
    public func connect(user: String = "admin", password: String = adminPassword) throws -> ManholeConnection {
        let connection = try raw()
        try connection.login(user: user, password: password, minimumIterations: FastLogin.iterations)
        return connection
    }

    /// A connection that has only read the greeting.
    public func raw() throws -> ManholeConnection {
        try ManholeConnection(port: port, timeout: .seconds(30))
    }

    /// Stops the manhole (sessions get a goodbye) and the reactor; a test that checks what
    /// clients see at shutdown calls it before the server is released.
    public func stop() {
        manhole.stop()
        reactor.stop()
    }
}
