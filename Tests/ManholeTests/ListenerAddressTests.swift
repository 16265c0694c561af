import Foundation
import NIOCore
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

/// Starts a manhole on `host` (port 0) and returns it, or throws what `start` threw.
private func start(host: String, reactor: Reactor, allowNonLoopback: Bool = false) throws -> Manhole {
    var configuration = Manhole.Configuration()
    configuration.host = host
    configuration.port = 0
    configuration.pbkdf2Iterations = FastLogin.iterations
    configuration.allowNonLoopback = allowNonLoopback
    configuration.logger.logLevel = .critical
    return try Manhole.start(
        accounts: [Account(name: "admin", password: adminPassword)], configuration: configuration, reactor: reactor)
}

@Suite("The listener checks the address it resolves and binds, not the host string")
struct ListenerAddressTests {
    @Test("Wildcard addresses are refused, whatever their spelling", arguments: ["0.0.0.0", "::", "0", "0x0.0"])
    func wildcardRefused(host: String) throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        #expect(throws: ManholeError.self) { try start(host: host, reactor: reactor) }
        do {
            _ = try start(host: host, reactor: reactor)
        } catch let error as ManholeError {
            guard case .nonLoopbackAddress(let shown) = error else {
                Issue.record("\(host): expected nonLoopbackAddress, got \(error)")
                return
            }
            #expect(shown.hasPrefix(host))
        }
    }

    @Test("A host name that merely starts with 127. is not trusted: it must resolve to loopback")
    func lookalikeName() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        // No DNS here: the name does not resolve, and start says so instead of trusting the prefix.
        #expect {
            try start(host: "127.evil.example", reactor: reactor)
        } throws: { error in
            guard case .bindFailed(let reason) = error as? ManholeError else { return false }
            return reason.contains("cannot resolve")
        }
    }

    @Test("Loopback in any spelling is accepted, and the listener is bound to loopback",
        arguments: ["localhost", "127.0.0.1", "::1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1"])
    func loopbackSpellings(host: String) throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let manhole = try start(host: host, reactor: reactor)
        defer { manhole.stop() }
        #expect(Manhole.isLoopback(manhole.localAddress))
        let connection = try ManholeConnection(host: manhole.localAddress.ipAddress!, port: manhole.port)
        try connection.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(try connection.run("whoami").kind == .ok)
    }

    @Test("The loopback test reads addresses, not names")
    func loopbackClassifier() throws {
        for loopback in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            #expect(Manhole.isLoopback(try SocketAddress(ipAddress: loopback, port: 1)), "\(loopback)")
        }
        for other in ["0.0.0.0", "10.0.0.1", "128.0.0.1", "::", "::2", "fe80::1", "::ffff:10.0.0.1"] {
            #expect(!Manhole.isLoopback(try SocketAddress(ipAddress: other, port: 1)), "\(other)")
        }
    }
}
