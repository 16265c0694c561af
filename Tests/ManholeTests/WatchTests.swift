import Foundation
import InMemoryLogging
import Logging
import ManholeTesting
import NIOConcurrencyHelpers
import NIOCore
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeWire

/// `watch`, `unwatch`, `watches` and the NOTICE frames they bring, over real sockets.
@Suite("Watches and notices")
struct WatchTests {
    /// A pending result the test settles: a Deferred's result, stashed.
    private static func pendingResult(on reactor: Reactor) -> (id: Int, deferred: Deferred<Int>) {
        let box = NIOLockedValueBox<Deferred<Int>?>(nil)
        let result = reactor.runInReactor {
            let deferred = reactor.makeDeferred(of: Int.self)
            box.withLockedValue { $0 = deferred }
            return deferred
        }
        let id = result.stash()
        #expect(eventually { box.withLockedValue { $0 } != nil })
        return (id, box.withLockedValue { $0! })
    }

    /// Runs `body` on the sessions' loop (where the watch board lives) and returns what it returns.
    private static func onSessionLoop<T: Sendable>(_ server: TestServer, _ body: @escaping @Sendable (WatchBoard, any EventLoop) -> T) throws -> T {
        let environment = server.manhole.environment
        let loop = environment.eventLoop
        return try loop.submit { body(environment.watchBoard, loop) }.wait()
    }

    private static func json(_ payload: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    @Test("A watched pending result brings a NOTICE with sequence 0 when it settles; commands still get their replies")
    func pendingResult() throws {
        let server = try TestServer()
        let (id, deferred) = Self.pendingResult(on: server.reactor)
        let session = try server.connect()
        let watch = try session.run("watch result \(id)")
        #expect(watch.kind == .ok && watch.payload == "watch 1: result \(id) (a notice when it finishes)\n", "\(watch)")
        deferred.succeed(42)
        let notice = try session.readAnyFrame()
        #expect(notice.kind == .notice && notice.sequence == 0 && notice.format == .text)
        #expect(notice.payload.hasPrefix("watch 1: result \(id) finished\nid "), "\(notice.payload)")
        #expect(notice.payload.contains("state      succeeded") && notice.payload.contains("value: Int = 42"), "\(notice.payload)")
        let reply = try session.run("watches")
        #expect(reply.kind == .ok && reply.sequence == watch.sequence + 1 && reply.payload.hasSuffix("no watches\n"), "\(reply)")
        #expect(session.takeNotices().isEmpty)
    }

    @Test("The client library keeps notices that arrive before a reply, and hands them over once")
    func clientKeepsNotices() throws {
        let server = try TestServer()
        let (id, deferred) = Self.pendingResult(on: server.reactor)
        let session = try server.connect()
        let watch = try session.run("watch result \(id)")
        #expect(watch.kind == .ok)
        deferred.succeed(7)
        // The notice is written as soon as the result settles: it precedes the reply to any line sent after.
        #expect(eventually { (try? Self.onSessionLoop(server) { board, loop in board.highWater(on: loop) }) == 1 })
        let reply = try session.run("whoami")
        #expect(reply.kind == .ok && reply.sequence == watch.sequence + 1)
        let notices = session.takeNotices()
        #expect(notices.count == 1 && notices.first?.payload.hasPrefix("watch 1: result \(id) finished\n") == true)
        #expect(session.takeNotices().isEmpty)
    }

    @Test("'@json watch' brings JSON notices; a finished result's notice follows the OK at once")
    func jsonNotices() throws {
        let server = try TestServer()
        let (id, deferred) = Self.pendingResult(on: server.reactor)
        deferred.succeed(5)
        let session = try server.connect()
        let watch = try session.run("watch result \(id)", json: true)
        #expect(watch.kind == .ok && watch.format == .json)
        let started = try Self.json(watch.payload)
        #expect(started["watch"] as? Int == 1 && started["subject"] as? String == "result \(id)")
        let notice = try session.readAnyFrame()
        #expect(notice.kind == .notice && notice.sequence == 0 && notice.format == .json)
        let object = try Self.json(notice.payload)
        #expect(object["watch"] as? Int == 1)
        #expect(object["subject"] as? String == "result \(id)")
        #expect(object["kind"] as? String == "result")
        #expect(object["state"] as? String == "succeeded")
        #expect(object["id"] as? Int == id)
        #expect(object["value"] != nil && !(object["value"] is NSNull))
    }

    @Test("A watched looping timer brings a notice per run; after 'unwatch' none comes")
    func loopingTimer() throws {
        let server = try TestServer()
        let call = server.reactor.loopingCall(every: .milliseconds(2), name: "tick") {}
        defer { call.stop() }
        let session = try server.connect()
        let watch = try session.run("watch timer \(call.id)")
        #expect(watch.payload == "watch 1: timer \(call.id) \"tick\" (a notice each time it runs)\n", "\(watch)")
        var runs: [Int] = []
        for _ in 0..<3 {
            let notice = try session.readAnyFrame()
            #expect(notice.kind == .notice && notice.sequence == 0)
            let prefix = "watch 1: timer \(call.id) \"tick\" ran (run "
            #expect(notice.payload.hasPrefix(prefix) && notice.payload.contains(", took "), "\(notice.payload)")
            runs.append(Int(notice.payload.dropFirst(prefix.count).prefix { $0.isNumber }) ?? -1)
        }
        #expect(runs == runs.sorted() && Set(runs).count == 3, "\(runs)")
        let table = try session.run("watches")
        #expect(table.payload.hasPrefix("WATCH  SUBJECT  NOTICES  DROPPED  FORMAT\n1      timer \(call.id)"), "\(table.payload)")
        #expect(try session.run("unwatch 1").payload.hasPrefix("removed watch 1 ("))
        #expect(call.observers.count == 0)
        _ = session.takeNotices()
        let after = call.runCount
        #expect(eventually { call.runCount >= after + 10 })
        #expect(try session.run("whoami").kind == .ok)
        #expect(session.takeNotices().isEmpty)
        #expect(try session.run("unwatch 1").kind == .error)
    }

    @Test("A one-shot timer's watch ends after its run, and says so")
    func oneShotTimer() throws {
        let server = try TestServer()
        let call = server.reactor.callLater(.seconds(3_600), name: "once") {}
        defer { call.cancel() }
        let session = try server.connect(user: "viewer", password: viewerPassword)
        #expect(try session.run("watch timer \(call.id)").kind == .ok)
        #expect(call.observers.count == 1)
        call.reset(to: .zero)
        let notice = try session.readAnyFrame()
        #expect(notice.kind == .notice)
        #expect(
            notice.payload.hasPrefix("watch 1: timer \(call.id) \"once\" ran (run 1, took ")
                && notice.payload.hasSuffix(") (watch ended)\n"), "\(notice.payload)")
        #expect(try session.run("watches").payload.hasSuffix("no watches\n"))
        #expect(call.observers.count == 0)
    }

    @Test("A cancelled timer ends its watch")
    func cancelledTimer() throws {
        let server = try TestServer()
        let call = server.reactor.loopingCall(every: .seconds(3_600), now: false, name: "slow") {}
        let session = try server.connect()
        #expect(try session.run("@json watch timer \(call.id)").kind == .ok)
        #expect(try session.run("cancel-timer \(call.id)").kind == .ok)
        let notice = try session.readAnyFrame()
        let object = try Self.json(notice.payload)
        #expect(object["event"] as? String == "ended" && object["watchEnded"] as? Bool == true, "\(notice.payload)")
        #expect(object["subject"] as? String == "timer \(call.id)" && object["kind"] as? String == "timer")
        #expect(try session.run("watches").payload.hasSuffix("no watches\n"))
    }

    @Test("A session holds at most 16 watches; the 17th is refused with the cap")
    func watchCap() throws {
        let server = try TestServer()
        let call = server.reactor.loopingCall(every: .seconds(3_600), now: false, name: "slow") {}
        defer { call.stop() }
        let session = try server.connect()
        for number in 1...16 {
            #expect(try session.run("watch timer \(call.id)").payload.hasPrefix("watch \(number): "))
        }
        let refused = try session.run("watch timer \(call.id)")
        #expect(refused.kind == .error && refused.payload.contains("at most 16 watches per session"), "\(refused)")
        #expect(call.observers.count == 16)
        #expect(try session.run("unwatch 3").kind == .ok)
        #expect(try session.run("watch timer \(call.id)").payload.hasPrefix("watch 17: "))
    }

    @Test("Unknown ids and bad arguments get ERR and the session keeps serving")
    func badInput() throws {
        let server = try TestServer()
        let session = try server.connect(user: "viewer", password: viewerPassword)
        let lines = [
            "watch result 999999", "watch timer 999999", "unwatch 4", "watch", "watch timer", "watch timer abc",
            "watch timer -1", "watch timer 0", "watch timer 99999999999999999999999", "watch log 1", "watch timer 1 2",
            "unwatch x", "watches now",
        ]
        for line in lines {
            let reply = try session.run(line)
            #expect(reply.kind == .error, "\(line): \(reply)")
        }
        #expect(try session.run("watch result 999999").payload.contains("no tracked result with id 999999"))
        #expect(try session.run("watch timer 999999").payload.contains("no live timer with id 999999"))
        #expect(try session.run("whoami").kind == .ok)
        #expect(try session.run("help").payload.contains("watch result ID | watch timer ID"))
    }

    @Test("A slow reader loses notices, never more than 64 wait, and is told how many it lost")
    func slowReader() throws {
        let server = try TestServer()
        // Long names make big notices: the socket buffers fill in seconds.
        let call = server.reactor.loopingCall(every: .milliseconds(1), name: String(repeating: "n", count: 8_000)) {}
        defer { call.stop() }
        let session = try server.connect()
        let sessionID = try #require(session.welcome?.session)
        #expect(try session.run("watch timer \(call.id)").kind == .ok)
        // The session does not read now: the notices fill the sockets, then the queue, then are dropped.
        let dropped = {
            (try? Self.onSessionLoop(server) { board, loop in board.session(sessionID, on: loop)?.watches.first?.dropped ?? 0 }) ?? 0
        }
        let highWater = { (try? Self.onSessionLoop(server) { board, loop in board.highWater(on: loop) }) ?? 0 }
        // Drops can also come first from the hand-off bound (a slow sessions' thread, as under a
        // sanitizer): wait for the full queue as well.
        #expect(eventually(within: .seconds(60)) { dropped() > 0 && highWater() == SessionWatches.maxQueued })
        // No more runs: what is left to read is bounded (the sockets' buffers, the queue, the report).
        call.stop()
        var report: Frame?
        for _ in 0..<100_000 {
            let frame = try session.readAnyFrame()
            #expect(frame.kind == .notice)
            if frame.payload.hasPrefix("notices dropped: ") {
                report = frame
                break
            }
        }
        let text = try #require(report).payload
        let count = Int(text.dropFirst("notices dropped: ".count).prefix { $0.isNumber }) ?? 0
        #expect(count > 0 && text.hasSuffix(" (watch 1, the client read too slowly)\n"), "\(text)")
        #expect(try session.run("whoami").kind == .ok)
        #expect(try Self.onSessionLoop(server) { board, loop in board.highWater(on: loop) } <= SessionWatches.maxQueued)
    }

    @Test("A session's end removes its watches' observers")
    func sessionEndUnregisters() throws {
        let server = try TestServer()
        let call = server.reactor.loopingCall(every: .milliseconds(1), name: "tick") {}
        defer { call.stop() }
        let session = try server.connect()
        #expect(try session.run("watch timer \(call.id)").kind == .ok)
        #expect(try session.run("watch timer \(call.id)").kind == .ok)
        #expect(call.observers.count == 2)
        let sessionID = try #require(session.welcome?.session)
        session.close()
        #expect(eventually { call.observers.count == 0 })
        #expect(eventually { (try? Self.onSessionLoop(server) { board, loop in board.session(sessionID, on: loop) == nil }) == true })
    }

    @Test("A failure seen only through 'watch result' is still logged as unhandled")
    func watchingIsNotHandling() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer(reactor: Reactor.Configuration(logger: Logger(label: "test.capture") { _ in capture }))
        let (id, deferred) = Self.pendingResult(on: server.reactor)
        let session = try server.connect()
        #expect(try session.run("watch result \(id)").kind == .ok)
        deferred.fail(Boom())
        let notice = try session.readAnyFrame()
        #expect(notice.payload.contains("state      failed") && notice.payload.contains("failure: boom for the log"), "\(notice.payload)")
        do {
            let retrieved = try server.reactor.retrieveResult(id, as: Int.self)
            #expect(retrieved.state == .failed)
        }
        #expect(
            eventually(within: .seconds(10)) {
                capture.entries.map(\.line).contains { $0.contains("unhandled failure in reactor result") && $0.contains("result=\(id)") }
            }, "\(capture.entries.map(\.line))")
    }
}
