import Foundation
import ManholeTesting
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

@Suite("Logging")
struct LoggingTests {
    @Test("Sessions, logins and commands are logged with user, session, duration and outcome, never the password")
    func auditTrail() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.logger = Logger(label: "test.manhole") { _ in capture }
            $0.logger.logLevel = .trace
        }
        let connection = try server.connect()
        _ = try connection.run("whoami")
        _ = try connection.run("inspect nothing")
        let wrong = try server.raw()
        _ = try? wrong.login(user: "admin", password: "wrong password", minimumIterations: FastLogin.iterations)
        connection.close()
        #expect(eventually { capture.entries.map(\.line).contains { $0.contains("session closed") } })
        let lines = capture.entries.map(\.line)
        #expect(lines.contains { $0.hasPrefix("info logged in ") && $0.contains("role=admin") && $0.contains("user=admin") && $0.contains("session=") })
        #expect(lines.contains { $0.hasPrefix("info command ") && $0.contains("command=whoami") && $0.contains("outcome=ok") && $0.contains("duration=") && $0.contains("user=admin") })
        #expect(lines.contains { $0.hasPrefix("info command ") && $0.contains("command=inspect") && $0.contains("outcome=error") })
        #expect(lines.contains { $0.hasPrefix("notice login failed ") && $0.contains("user=admin") && $0.contains("reason=authentication failed") })
        #expect(!lines.contains { $0.contains(adminPassword) || $0.contains("wrong password") })
    }
}
