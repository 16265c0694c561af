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

@Suite("The host's logger reaches what the manhole creates")
struct HostLoggerTests {
    @Test("The inspector that Manhole.start makes logs to the host's logger: a read that times out is reported there")
    func inspectorLogsToTheHost() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.logger = Logger(label: "host.app") { _ in capture }
        }
        // An entry read on a queue that is stuck: the read times out (after the inspector's
        // default 5 s), and the inspector logs it.
        let stuck = DispatchQueue(label: "stuck")
        let release = DispatchSemaphore(value: 0)
        stuck.async { release.wait() }
        defer { release.signal() }
        server.manhole.inspector.register("stuck", readOn: .queue(stuck)) { 42 }
        let connection = try server.connect()
        let reply = try connection.run("inspect stuck")
        #expect(reply.kind == .error)
        let timedOut = capture.entries.first { $0.message.description == "inspector read timed out" }
        #expect(timedOut?.level == .warning)
        #expect(timedOut?.metadata["entry"]?.description == "stuck")
    }
}
