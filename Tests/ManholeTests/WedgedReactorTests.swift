import Dispatch
import Foundation
import InMemoryLogging
import Logging
import ManholeClient
import ManholeTesting
import NIOConcurrencyHelpers
import Reactor
import Synchronization
import Testing
@testable import Manhole

/// The incident the manhole exists for: a host body holds the reactor thread. Sessions run on
/// their own thread, so the shell still answers, says what holds the reactor, and refuses (in
/// bounded time) only what must run there.
@Suite("A wedged reactor: the shell answers and names what holds it")
struct WedgedReactorTests {
    /// A reactor whose watchdog logs to `capture`, under a manhole whose reactor-bound commands
    /// wait `wait` at most, with a queue-read entry beside the reactor-read fixture.
    private static func server(capture: InMemoryLogHandler, wait: Duration = .milliseconds(300)) throws -> TestServer {
        let queue = DispatchQueue(label: "wedge-test-queue")
        let server = try TestServer(
            configure: { $0.reactorWaitLimit = wait },
            namespace: ["app": WedgeFixture(name: "orders", jobs: [1, 2, 3])],
            reactor: Reactor.Configuration(
                logger: Logger(label: "test.reactor") { _ in capture }, watchdogThreshold: .milliseconds(100)))
        server.manhole.inspector.register("queued", WedgeFixture(name: "on a queue", jobs: []), readOn: .queue(queue))
        return server
    }

    @Test("While a body blocks the reactor: whoami answers, a new login works, loop names the body, a reactor read says busy, a queue read answers")
    func shellAnswersWhileWedged() throws {
        let capture = InMemoryLogHandler()
        let server = try Self.server(capture: capture)
        let open = try server.connect()
        let release = DispatchSemaphore(value: 0)
        let line = #line + 1
        let wedge = server.reactor.runInReactor { () -> Int in release.wait(); return 7 }
        #expect(eventually { server.reactor.activity.current?.callSite.line == line })
        let site = "WedgedReactorTests.swift:\(line)"

        let whoami = try open.run("whoami")
        #expect(whoami.kind == .ok && whoami.payload.hasPrefix("user     admin\n"))
        let fresh = try server.connect(user: "viewer", password: viewerPassword)
        #expect(try fresh.run("whoami").payload.contains("read-only"))
        for command in ["help", "sessions", "stats", "results --all", "timers", "reactor"] {
            #expect(try fresh.run(command).kind == .ok, "\(command)")
        }

        let queuedLine = #line + 1
        let queued = server.reactor.runInReactor { 8 }
        let loop = try jsonObject(open.run("loop", json: true).payload)
        #expect(loop["queued"] as? Int == 1, "the body submitted at line \(queuedLine) waits behind the wedge")
        #expect((loop["running"] as? String)?.hasSuffix(site) == true)
        #expect(loop["runningKind"] as? String == "body")
        #expect(try #require(loop["runningSeconds"] as? Double) > 0)

        let busy = try open.run("inspect app.name")
        #expect(busy.kind == .error)
        #expect(busy.payload.contains("the reactor has been busy for "))
        #expect(busy.payload.contains("in a body submitted at "))
        #expect(busy.payload.contains(site))
        #expect(busy.payload.contains("try again or see `loop`"))
        let onQueue = try open.run("inspect queued.name")
        #expect(onQueue.kind == .ok && onQueue.payload == "queued.name: String = \"on a queue\"\n", "\(onQueue.payload)")
        let listing = try open.run("ls").payload
        #expect(listing.contains("the reactor has been busy"), "\(listing)")
        #expect(listing.contains("WedgeFixture"), "\(listing)")
        // Still held: everything above was answered while the body ran.
        #expect(server.reactor.activity.current?.callSite.line == line)

        release.signal()
        #expect(try wedge.wait(timeout: .seconds(30)) == 7)
        #expect(try queued.wait(timeout: .seconds(30)) == 8)
        #expect(try open.run("inspect app.name").payload == "app.name: String = \"orders\"\n")
        #expect(eventually { server.reactor.watchdog?.stalls.first?.duration != nil })
        let stalls = try #require(try jsonObject(open.run("loop --stalls", json: true).payload)["rows"] as? [[String: Any]])
        #expect(stalls.contains { ($0["callSite"] as? String)?.hasSuffix(site) == true && ($0["durationSeconds"] as? Double ?? 0) > 0.3 })
        #expect(eventually { capture.entries.contains { $0.message.description == "reactor recovered" } })
        let stalled = try #require(capture.entries.first { $0.message.description == "reactor stalled" })
        #expect(stalled.metadata["callSite"].map { "\($0)".hasSuffix(site) } == true)
    }

    @Test("An entry read on any thread answers while a body blocks the reactor, read on the sessions' thread")
    func anyThreadEntryAnswersWhileWedged() throws {
        let server = try Self.server(capture: InMemoryLogHandler())
        let readOn = NIOLockedValueBox<[String]>([])  // a lock TSan sees
        server.manhole.inspector.register("counters", readOn: .anyThread) { () -> [String: Int] in
            readOn.withLockedValue { $0.append(Thread.current.name ?? "?") }
            return ["hits": 40, "misses": 10]
        }
        let open = try server.connect()
        let release = DispatchSemaphore(value: 0)
        let wedge = server.reactor.runInReactor { () -> Int in release.wait(); return 7 }
        #expect(eventually { server.reactor.activity.current != nil })

        let hits = try open.run("inspect counters[\"hits\"]")
        #expect(hits.kind == .ok && hits.payload == "counters[\"hits\"]: Int = 40\n", "\(hits.payload)")
        let listing = try open.run("ls").payload
        #expect(listing.contains("any thread"), "\(listing)")
        // The reactor entry beside it cannot be read: the wedge is real.
        #expect(try open.run("inspect app.name").payload.contains("the reactor has been busy"))
        #expect(readOn.withLockedValue { $0 } == ["manhole-session", "manhole-session"])

        release.signal()
        #expect(try wedge.wait(timeout: .seconds(30)) == 7)
    }

    @Test("A host command that cannot start within the bound is answered busy and never runs later")
    func hostCommandIsCalledOff() throws {
        let capture = InMemoryLogHandler()
        let server = try Self.server(capture: capture, wait: .milliseconds(100))
        let runs = Mutex(0)
        try server.manhole.addCommand("bump", help: "Counts.") { _ in
            runs.withLock { $0 += 1 }
            return "bumped"
        }
        let connection = try server.connect()
        let release = DispatchSemaphore(value: 0)
        let wedge = server.reactor.runInReactor { () -> Int in release.wait(); return 1 }
        #expect(eventually { server.reactor.activity.current != nil })
        let reply = try connection.run("bump")
        #expect(reply.kind == .error && reply.payload.contains("the reactor has been busy"), "\(reply.payload)")
        release.signal()
        #expect(try wedge.wait(timeout: .seconds(30)) == 1)
        #expect(try connection.run("bump").payload == "bumped\n")
        // The called-off run would have come before the second one on the reactor's queue.
        #expect(runs.withLock { $0 } == 1)
    }

    @Test("Work the reactor does not record (a host's own loop task) is reported as such when a read cannot start")
    func unrecordedWorkIsSaidSo() throws {
        let capture = InMemoryLogHandler()
        let server = try Self.server(capture: capture, wait: .milliseconds(100))
        let connection = try server.connect()
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        server.reactor.eventLoop.execute {
            started.signal()
            release.wait()
        }
        started.wait()
        let reply = try connection.run("inspect app.jobs")
        release.signal()
        #expect(reply.kind == .error)
        #expect(reply.payload.contains("did not take this up within 100ms"), "\(reply.payload)")
        #expect(reply.payload.contains("work it does not record"))
        #expect(try connection.run("inspect app.jobs.count").payload == "app.jobs.count: Int = 3\n")
    }
}

/// A value read on the reactor thread (or a queue) by the tests above.
private struct WedgeFixture: Sendable {
    var name: String
    var jobs: [Int]
}

@Suite("Stopping a manhole while its reads run elsewhere")
struct StopDuringReadTests {
    @Test("A manhole stopped while a reactor read runs keeps its thread until the read has delivered, then ends it")
    func stopWaitsForDeliveries() throws {
        let server = try TestServer()
        let release = DispatchSemaphore(value: 0)
        let reading = DispatchSemaphore(value: 0)
        server.manhole.inspector.register("held") { () -> Any in
            reading.signal()
            release.wait()
            return 1
        }
        let connection = try server.connect()
        try connection.socket.write("inspect held\n")
        reading.wait()
        let deliveries = server.manhole.environment.sessionThread.deliveries
        #expect(deliveries.count == 1)
        server.manhole.stop()
        // The session is gone, and the read still holds the reactor: its answer has nowhere to go
        // but its promise is on the sessions' loop, which must outlive it.
        #expect(deliveries.count == 1)
        release.signal()
        #expect(eventually { deliveries.count == 0 })
        // The reactor goes on; a second stop (the reactor's hook) does nothing.
        #expect(try server.reactor.waitFor(timeout: .seconds(10)) { 5 } == 5)
        server.reactor.stop()
    }
}

@Suite("The threads a manhole adds")
struct ManholeThreadTests {
    @Test("The sessions' thread and the reactor's watchdog carry names a thread listing shows (Linux keeps 15 bytes)")
    func threadsAreNamed() throws {
        let server = try TestServer()
        _ = try server.connect().run("whoami")
        let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap {
            try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        })
        #expect(names.contains("manhole-session"), "\(names.sorted())")
        #expect(names.contains("manhole-watch"), "\(names.sorted())")
    }
}

@Suite("A host command's answer and the reactor")
struct HostCommandReplyTests {
    @Test("A host command that leaves blocking work on the reactor is answered at once, not after that work")
    func replyDoesNotQueueBehindTheReactor() throws {
        let server = try TestServer()
        let release = DispatchSemaphore(value: 0)
        let reactor = server.reactor
        let line = #line + 2
        try server.manhole.addCommand("leave-work", help: "Leaves a blocking body on the reactor.") { _ in
            _ = reactor.runInReactor { _ = release.wait(timeout: .now() + .seconds(60)) }
            return "left"
        }
        let connection = try server.connect()
        #expect(try connection.run("leave-work").payload == "left\n")
        // Answered while the body it left still holds the reactor.
        #expect(eventually { reactor.activity.current?.callSite.line == line })
        release.signal()
    }
}
