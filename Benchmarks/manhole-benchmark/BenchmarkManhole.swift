import Manhole
import ManholeClient
import Reactor

/// A manhole started in this process for a benchmark: a reactor of its own, one account, a free
/// loopback port, quiet logs. `stop()` ends both.
struct BenchmarkManhole {
    /// The account's name and password.
    static let user = "bench"
    static let password = "benchmark password"

    let reactor: Reactor
    let manhole: Manhole

    /// Starts it with `namespace` registered, after `configure` has had its say.
    init(namespace: [String: any Sendable], configure: (inout Manhole.Configuration) -> Void = { _ in }) throws {
        reactor = Reactor()
        var configuration = Manhole.Configuration()
        configuration.port = 0
        configuration.logger.logLevel = .critical
        configure(&configuration)
        do {
            manhole = try Manhole.start(
                accounts: [Account(name: Self.user, password: Self.password)], namespace: namespace,
                configuration: configuration, reactor: reactor)
        } catch {
            reactor.stop()
            throw error
        }
    }

    /// The TCP port it listens on.
    var port: Int { manhole.port }

    /// A new session, logged in.
    func connect() throws -> ManholeConnection {
        let connection = try ManholeConnection(port: port)
        try connection.login(user: Self.user, password: Self.password)
        return connection
    }

    /// Stops the manhole, then the reactor.
    func stop() {
        manhole.stop()
        reactor.stop()
    }
}
