import Foundation
import ManholeTesting
import NIOConcurrencyHelpers
import Reactor
import Testing
@testable import Manhole
import ManholeClient

@Suite("Sessions and lifecycle")
struct LifecycleTests {
    @Test("A logged-in session idle past the idle timeout is closed with a goodbye; activity keeps it open")
    func idleTimeout() throws {
        let server = try TestServer { $0.idleTimeout = .seconds(1) }
        let connection = try server.connect()
        for _ in 0..<5 {
            usleep(250_000)
            #expect(try connection.run("whoami").kind == .ok)
        }
        let frames = framesUntilClosed(connection)
        #expect(frames.map(\.kind) == [.bye])
        #expect(frames.first?.payload == "idle for 1.0s\n")
    }

    @Test("Connections beyond the pending-login limit are turned away at once")
    func pendingLoginLimit() throws {
        let server = try TestServer { $0.maxPendingLogins = 1 }
        let waiting = try server.raw()
        #expect(throws: ManholeConnection.LoginFailure.refused("too many connections logging in at once (the limit is 1)")) {
            try server.raw()
        }
        try waiting.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(try server.connect().run("whoami").kind == .ok)
    }

    @Test("stop() says goodbye to open sessions and closes the listener")
    func stopWithSessionsOpen() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let port = server.port
        server.manhole.stop()
        let frames = framesUntilClosed(connection)
        #expect(frames.map(\.kind) == [.bye])
        #expect(frames.first?.payload == "the manhole is stopping\n")
        #expect(throws: BlockingSocket.Failure.self) { try BlockingSocket(host: "127.0.0.1", port: port) }
    }

    @Test("Stopping the reactor closes sessions with a message")
    func reactorStopClosesSessions() throws {
        let server = try TestServer()
        let connection = try server.connect()
        server.reactor.stop()
        let frames = framesUntilClosed(connection)
        #expect(frames.map(\.kind) == [.bye])
        #expect(frames.first?.payload == "the process is shutting down\n")
    }

    @Test("At reactor stop, the host's beforeStop hooks see sessions still open and its cleanup hooks see them closed")
    func sessionsCloseBetweenHostPhases() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let duringDrain = NIOLockedValueBox<String?>(nil)
        server.reactor.addShutdownHook(name: "drain", phase: .beforeStop) {
            // A new session logs in and is served while the host drains.
            duringDrain.withLockedValue { $0 = try? server.connect(user: "viewer", password: viewerPassword).run("whoami").payload }
        }
        let sessionsAtCleanup = NIOLockedValueBox<Int>(-1)
        server.reactor.addShutdownHook(name: "cleanup") {
            sessionsAtCleanup.withLockedValue { $0 = server.manhole.sessions.count }
        }
        server.reactor.stop()
        #expect(duringDrain.withLockedValue { $0 }?.contains("viewer") == true)
        #expect(sessionsAtCleanup.withLockedValue { $0 } == 0)
        #expect(framesUntilClosed(connection).map(\.kind) == [.bye])
    }

    @Test("A client that disconnects in the middle of a long reply leaves the server serving others")
    func disconnectMidReply() throws {
        let big = (0..<200_000).map { "item-\($0)" }
        let server = try TestServer(configure: { $0.maxReplyBytes = 8 << 20 }, namespace: ["big": big])
        for _ in 0..<5 {
            let leaver = try server.connect()
            try leaver.socket.write("inspect big --depth 1\n")
            leaver.close()
        }
        let other = try server.connect()
        #expect(try other.run("inspect big.count").payload == "big.count: Int = 200000\n")
        #expect(eventually { server.manhole.sessions.count == 1 })
    }

    @Test("32 sessions each running 1,000 commands get every reply right")
    func concurrentSessions() throws {
        let app = App()
        // 32 sessions queue their reads on the one reactor thread: under a sanitizer on a loaded
        // machine that queue can outlast the production wait limit (500 ms), which is not what
        // this test is about (WedgedReactorTests checks the limit).
        let server = try TestServer(configure: { $0.maxSessions = 32; $0.reactorWaitLimit = .seconds(30) }, namespace: ["app": app])
        let failures = NIOLockedValueBox<[String]>([])
        let group = DispatchGroup()
        for index in 0..<32 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try server.connect()
                    let session = try connection.run("whoami").payload
                    for step in 0..<1_000 {
                        if step % 2 == 0 {
                            let reply = try connection.run("inspect app.jobs[\(step)]")
                            guard reply.payload == "app.jobs[\(step)]: Int = \(step)\n" else {
                                throw ShellError("session \(index) step \(step): \(reply.payload)")
                            }
                        } else {
                            let reply = try connection.run("whoami")
                            guard reply.payload == session else { throw ShellError("session \(index): \(reply.payload)") }
                        }
                    }
                } catch {
                    failures.withLockedValue { $0.append("\(error)") }
                }
            }
        }
        group.wait()
        #expect(failures.withLockedValue { $0 } == [])
    }

    @Test("The host's main thread keeps working while a session inspects it")
    func hostKeepsRunning() throws {
        let app = App()
        let server = try TestServer(namespace: ["app": app])
        let running = NIOLockedValueBox(true)
        let host = Thread {
            // Blocking host work on its own thread, touching the state the session reads.
            while running.withLockedValue({ $0 }) {
                app.counter.withLockedValue { $0 += 1 }
            }
        }
        host.start()
        let connection = try server.connect()
        let before = app.counter.withLockedValue { $0 }
        for _ in 0..<200 { #expect(try connection.run("inspect app.config").kind == .ok) }
        let after = app.counter.withLockedValue { $0 }
        running.withLockedValue { $0 = false }
        #expect(after > before)
    }
}
