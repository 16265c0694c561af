import ManholeWire
import Foundation
import Inspector
import Logging
import NIOConcurrencyHelpers
import Reactor
import Testing
@testable import Manhole
import ManholeClient

/// Passwords used by the tests.
let adminPassword = "correct horse battery"
let viewerPassword = "read only please"

/// A manhole on a free loopback port with its own reactor, stopped afterwards.
final class TestServer: Sendable {
    let reactor: Reactor
    let manhole: Manhole

    init(configure: (inout Manhole.Configuration) -> Void = { _ in }, namespace: [String: any Sendable] = [:]) throws {
        reactor = Reactor()
        var configuration = Manhole.Configuration()
        configuration.port = 0
        // Fewer iterations than production (210,000) keep each login fast in tests; the
        // exchange is the same.
        configuration.pbkdf2Iterations = 4_096
        configuration.logger.logLevel = .error
        configuration.failureDelay = .milliseconds(1)
        configuration.maxFailureDelay = .milliseconds(20)
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
            accounts: [
                Account(name: "admin", password: adminPassword, role: .admin),
                Account(name: "viewer", password: viewerPassword, role: .readOnly),
            ],
            namespace: namespace, configuration: configuration, reactor: reactor)
    }

    deinit {
        manhole.stop()
        reactor.stop()
    }

    var port: Int { manhole.port }

    /// A logged-in connection.
    func connect(user: String = "admin", password: String = adminPassword) throws -> ManholeConnection {
        let connection = try ManholeConnection(port: port, timeout: .seconds(30))
        try connection.login(user: user, password: password, minimumIterations: 4_096)
        return connection
    }

    /// A connection that has only read the greeting.
    func raw() throws -> ManholeConnection {
        try ManholeConnection(port: port, timeout: .seconds(30))
    }
}

/// Reads frames until the server closes the connection; returns them.
func framesUntilClosed(_ connection: ManholeConnection) -> [Frame] {
    var frames: [Frame] = []
    while let frame = try? connection.readFrame() { frames.append(frame) }
    return frames
}

/// Whether the server has closed the connection (a read ends with `closed`).
func isClosed(_ connection: ManholeConnection) -> Bool {
    do {
        _ = try connection.socket.readLine()
        return false
    } catch BlockingSocket.Failure.closed {
        return true
    } catch {
        return false
    }
}

/// Hands a value to another thread when the test knows only one thread uses it at a time.
struct Handoff<Value>: @unchecked Sendable {
    let value: Value
}
