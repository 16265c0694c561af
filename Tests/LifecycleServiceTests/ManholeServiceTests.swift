import Dispatch
import Foundation
import Logging
import Manhole
import ManholeClient
import ManholeLifecycle
import ManholeTesting
import NIOConcurrencyHelpers
import Reactor
import ServiceLifecycle
import Testing

@Suite("The manhole and the reactor as ServiceLifecycle services")
struct ManholeServiceTests {
    @Test("A graceful shutdown of the group tells each session the service is shutting down, closes the manhole, then stops the reactor")
    func gracefulShutdown() throws {
        let server = try TestServer()
        let sessions = try (0..<2).map { _ in try server.connect() }
        let port = server.port
        let running = RunningGroup([ReactorService(server.reactor), ManholeService(server.manhole)])
        #expect(try sessions[0].run("whoami").kind == .ok)
        running.triggerGracefulShutdown()
        for session in sessions {
            let frames = framesUntilClosed(session)
            // "the process is shutting down" would mean the reactor stopped first and its hook closed the manhole.
            #expect(frames.map(\.payload) == ["the service is shutting down\n"])
        }
        #expect(running.waitForEnd() == .returned)
        #expect(server.reactor.isStopped)
        #expect(throws: BlockingSocket.Failure.self) { try BlockingSocket(host: "127.0.0.1", port: port) }
    }

    @Test("Cancelling the group's task closes the manhole with the same goodbye and stops the reactor")
    func cancellation() throws {
        let server = try TestServer()
        let session = try server.connect()
        let running = RunningGroup([ReactorService(server.reactor), ManholeService(server.manhole)])
        #expect(try session.run("whoami").kind == .ok)
        running.cancel()
        #expect(framesUntilClosed(session).map(\.payload) == ["the service is shutting down\n"])
        #expect(running.waitForEnd() != .timedOut)
        #expect(server.reactor.isStopped)
    }

    @Test("When the host stops the manhole itself, the service stays idle and the rest of the group runs on until its shutdown")
    func manholeStoppedByHost() throws {
        let server = try TestServer()
        let session = try server.connect()
        let running = RunningGroup([ReactorService(server.reactor), ManholeService(server.manhole)])
        #expect(try session.run("whoami").kind == .ok)
        server.manhole.stop()
        #expect(framesUntilClosed(session).map(\.payload) == ["the manhole is stopping\n"])
        #expect(running.waitForEnd(within: .milliseconds(300)) == .timedOut)
        #expect(try server.reactor.waitFor(timeout: .seconds(30)) { 42 } == 42)
        running.triggerGracefulShutdown()
        #expect(running.waitForEnd() == .returned)
        #expect(server.reactor.isStopped)
    }

    @Test("When the reactor is stopped outside the group (a signal), its service returns and, so configured, shuts the group down gracefully")
    func reactorStoppedOutside() throws {
        let server = try TestServer()
        let session = try server.connect()
        let probe = ShutdownProbe()
        let running = RunningGroup(configurations: [
            .init(service: ReactorService(server.reactor), successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: probe),
            .init(service: ManholeService(server.manhole)),
        ])
        #expect(try session.run("whoami").kind == .ok)
        server.reactor.stop()
        #expect(framesUntilClosed(session).map(\.payload) == ["the process is shutting down\n"])
        #expect(running.waitForEnd() == .returned)
        #expect(probe.sawGracefulShutdown.withLockedValue { $0 })
    }

    @Test("When the reactor is stopped outside the group and its entry does not say otherwise, the group ends reporting it finished early")
    func reactorStoppedOutsideByDefault() throws {
        let server = try TestServer()
        let running = RunningGroup([ReactorService(server.reactor), ManholeService(server.manhole)])
        #expect(try server.connect().run("whoami").kind == .ok)
        server.reactor.stop()
        #expect(running.waitForEnd() == .threw("serviceFinishedUnexpectedly"))
    }

    @Test("A session that reads nothing does not hold the shutdown past the service's bound")
    func stalledSessionIsBounded() throws {
        let server = try TestServer { $0.maxReplyBytes = 2 << 20 }
        let blob = String(repeating: "b", count: 1 << 20)
        try server.manhole.addCommand("blob", help: "1 MiB") { _ in blob }
        let hog = try server.connect()
        // 64 MiB of replies asked for, none read: the server's writes to it stall.
        try hog.socket.write(String(repeating: "blob\n", count: 64))
        #expect(eventually { server.manhole.sessions.contains { $0.commands > 2 } })
        let port = server.port
        // Bounds that the hang guard below tells apart: 200 ms passes, a minute would not.
        let running = RunningGroup([ManholeService(server.manhole, shutdownTimeout: .milliseconds(200))])
        running.triggerGracefulShutdown()
        #expect(running.waitForEnd(within: .seconds(20)) == .returned)
        #expect(throws: BlockingSocket.Failure.self) { try BlockingSocket(host: "127.0.0.1", port: port) }
        hog.socket.abort()
    }
}

/// A `ServiceGroup` run on a task of its own, driven from a test's blocking thread.
private final class RunningGroup: Sendable {
    enum End: Equatable {
        case returned
        /// The error's description, or the part of it a test looks for.
        case threw(String)
        case timedOut
    }

    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let ended = DispatchSemaphore(value: 0)
    private let end = NIOLockedValueBox<End?>(nil)

    convenience init(_ services: [any Service]) {
        self.init(configurations: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) })
    }

    init(configurations: [ServiceGroupConfiguration.ServiceConfiguration]) {
        var logger = Logger(label: "test.service-group")
        logger.logLevel = .critical
        var configuration = ServiceGroupConfiguration(services: configurations, logger: logger)
        configuration.logger = logger
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        let (ended, end) = (ended, end)
        task = Task.detached {
            defer { ended.signal() }
            do {
                try await group.run()
                end.withLockedValue { $0 = .returned }
            } catch {
                end.withLockedValue { $0 = .threw("\(error)") }
                throw error
            }
        }
    }

    /// Asks the group to shut down gracefully, as SIGTERM would.
    func triggerGracefulShutdown() {
        let group = self.group
        Task.detached { await group.triggerGracefulShutdown() }
    }

    /// Cancels the task that runs the group.
    func cancel() { task.cancel() }

    /// How the group's run ended, or `.timedOut` if it had not within `limit` (a hang guard).
    func waitForEnd(within limit: Duration = .seconds(30)) -> End {
        let (seconds, attoseconds) = limit.components
        let deadline = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        guard ended.wait(timeout: deadline) == .success else { return .timedOut }
        switch end.withLockedValue({ $0 }) {
        case .threw(let description)?:
            return .threw(description.contains("A service has finished unexpectedly") ? "serviceFinishedUnexpectedly" : description)
        case let other?: return other
        case nil: return .timedOut
        }
    }
}

/// A service that runs until graceful shutdown and records that it saw one.
private struct ShutdownProbe: Service {
    let sawGracefulShutdown = NIOLockedValueBox(false)

    func run() async throws {
        try? await gracefulShutdown()
        sawGracefulShutdown.withLockedValue { $0 = true }
    }
}

