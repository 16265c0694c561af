import Dispatch
import Foundation
import InMemoryLogging
import Logging
import ManholeClient
import ManholeTesting
import ManholeWire
import NIOCore
import Testing
@testable import Manhole

/// `log --follow` and the interrupt request, over real sockets.
@Suite("log --follow and interrupt")
struct LogFollowTests {
    /// A server whose configuration holds `ring`, and a host logger writing into it beside
    /// another handler, as the guide shows.
    private func server(ring: LogRing = LogRing(), logger: Logger? = nil) throws -> (TestServer, Logger) {
        let server = try TestServer {
            $0.logRing = ring
            if let logger { $0.logger = logger }
        }
        var host = Logger(label: "host.app") { label in
            MultiplexLogHandler([SwiftLogNoOpLogHandler(), ring.handler(label: label)])
        }
        host.logLevel = .trace
        return (server, host)
    }

    /// Reads frames (notices included) until one holds `marker`; returns the notices' payloads.
    private func notices(until marker: String, from session: ManholeConnection) throws -> [String] {
        var payloads: [String] = []
        while true {
            let frame: Frame
            do { frame = try session.readAnyFrame() } catch {
                Issue.record("no \(marker) after \(payloads.count) notices: \(payloads.first?.prefix(80) ?? "") … \(payloads.last?.prefix(80) ?? "")")
                throw error
            }
            #expect(frame.kind == .notice && frame.sequence == 0, "\(frame)")
            payloads.append(frame.payload)
            if frame.payload.contains(marker) { return payloads }
        }
    }

    /// Runs `body` on the sessions' loop and returns what it returns.
    private func onLoop<T: Sendable>(_ server: TestServer, _ body: @escaping @Sendable (ShellEnvironment, any EventLoop) -> T) throws -> T {
        let environment = server.manhole.environment
        return try environment.eventLoop.submit { body(environment, environment.eventLoop) }.wait()
    }

    @Test("log --follow answers with its watch, then each new line arrives as a NOTICE, in order, as 'log' shows it")
    func followsInOrder() throws {
        let (server, host) = try server()
        host.info("before the follow")
        let session = try server.connect()
        let reply = try session.run("log --follow")
        #expect(reply.kind == .ok && reply.payload == "following the log (watch 1); interrupt or unwatch 1 to stop\n", "\(reply)")
        for number in 1...20 { host.info("line \(number)", metadata: ["n": "\(number)"]) }
        let payloads = try notices(until: "line 20", from: session)
        #expect(payloads.count == 20, "\(payloads)")
        for (index, payload) in payloads.enumerated() {
            #expect(payload.wholeMatch(of: /\d{4}-\d\d-\d\dT\S+Z info     host\.app: line (\d+) n=\d+\n/)?.1 == "\(index + 1)"[...], "\(payload)")
        }
        let watches = try session.run("watches")
        #expect(watches.payload.contains("log (trace and above)") && watches.payload.contains("20"), "\(watches.payload)")
    }

    @Test("@json log --follow --level warning sends only lines at warning or above, each as a log row object")
    func levelFilterAndJSON() throws {
        let (server, host) = try server()
        let session = try server.connect()
        let reply = try session.run("log --follow --level warning", json: true)
        #expect(reply.kind == .ok && reply.payload.contains("\"watch\":1"), "\(reply)")
        host.info("quiet")
        host.warning("loud")
        host.debug("quieter")
        host.error("louder")
        let payloads = try notices(until: "louder", from: session)
        #expect(payloads.count == 2, "\(payloads)")
        let first = try #require(JSONSerialization.jsonObject(with: Data(payloads[0].utf8)) as? [String: Any])
        #expect(first["message"] as? String == "loud" && first["level"] as? String == "warning" && first["seq"] as? Int == 2, "\(first)")
    }

    @Test("unwatch ends a follow: its lines stop, the ring stops waking anyone")
    func unwatchEnds() throws {
        let (server, host) = try server()
        let session = try server.connect()
        #expect(try session.run("log --follow").kind == .ok)
        let removed = try session.run("unwatch 1")
        #expect(removed.kind == .ok && removed.payload == "removed watch 1 (0 notices sent)\n", "\(removed)")
        #expect(try onLoop(server) { environment, loop in environment.logFollowers.count(on: loop) } == 0)
        host.info("after the unwatch")
        // A second follow sees the marker; the first would have delivered its line before it.
        #expect(try session.run("log --follow").kind == .ok)
        host.info("marker")
        let payloads = try notices(until: "marker", from: session)
        #expect(payloads.count == 1 && !payloads.contains { $0.contains("after the unwatch") }, "\(payloads)")
    }

    @Test("interrupt ends every follow of the session and says which; the next follow does not see lines before it")
    func interruptEndsFollow() throws {
        let (server, host) = try server()
        let session = try server.connect()
        let follow = try session.run("log --follow")
        #expect(try session.run("log --follow --level error").kind == .ok)
        try session.sendInterrupt()
        let answer = try session.readFrame()
        #expect(answer.kind == .ok && answer.sequence == follow.sequence + 2, "\(answer)")
        #expect(answer.payload == "interrupted: stopped following the log: watch 1 (0 notices sent), watch 2 (0 notices sent)\n", "\(answer)")
        host.error("after the interrupt")
        #expect(try session.run("watches").payload.hasSuffix("no watches\n"))
        #expect(try session.run("log --follow").kind == .ok)
        host.info("marker")
        let payloads = try notices(until: "marker", from: session)
        #expect(payloads.count == 1, "\(payloads)")
    }

    @Test("interrupt with nothing running or following answers 'nothing to interrupt'")
    func nothingToInterrupt() throws {
        let (server, _) = try server()
        let session = try server.connect()
        let whoami = try session.run("whoami")
        let answer = try session.run("interrupt")
        #expect(answer.kind == .ok && answer.payload == "nothing to interrupt\n" && answer.sequence == whoami.sequence + 1, "\(answer)")
        let json = try session.run("interrupt", json: true)
        #expect(json.kind == .ok && json.payload.contains("\"interrupted\":false"), "\(json)")
    }

    @Test("interrupt read while a slow command runs calls it off and drops the lines waiting behind it; replies keep their order")
    func interruptDropsWaitingLines() throws {
        let capture = InMemoryLogHandler()
        var logger = Logger(label: "test.manhole") { _ in capture }
        logger.logLevel = .info
        let (server, _) = try server(logger: logger)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        try server.manhole.addCommand("slow", help: "waits for the test", readOnly: true) { _ in
            started.signal()
            release.wait()
            return "slow done"
        }
        let session = try server.connect()
        try session.socket.write("slow\nwhoami\n@json whoami\n")
        started.wait()
        try session.sendInterrupt()
        // The interrupt acts when it is read, while the slow command still runs.
        #expect(eventually { capture.entries.map(\.line).contains { $0.contains(" interrupt ") } })
        release.signal()
        let slow = try session.readFrame()
        #expect(slow.kind == .error && slow.payload.hasPrefix("interrupted: the command's work was told to stop"), "\(slow)")
        let first = try session.readFrame()
        let second = try session.readFrame()
        #expect(first.kind == .error && first.payload.contains("interrupted") && first.sequence == slow.sequence + 1, "\(first)")
        #expect(second.kind == .error && second.format == .json && second.sequence == slow.sequence + 2, "\(second)")
        let answer = try session.readFrame()
        #expect(
            answer.kind == .ok && answer.payload == "interrupted: stopped the running command 'slow'; dropped 2 waiting lines\n"
                && answer.sequence == slow.sequence + 3, "\(answer)")
        #expect(try session.run("whoami").kind == .ok)
    }

    @Test("A follower that does not read while 5,000 lines are logged costs a bounded queue, and is told what it lost")
    func slowFollower() throws {
        let (server, host) = try server(ring: LogRing(capacity: 1_000))
        let session = try server.connect()
        #expect(try session.run("log --follow").kind == .ok)
        let loop = server.manhole.environment.eventLoop
        // Hold the sessions' loop while the host logs 5,000 lines: the follower falls 4,000
        // lines behind the ring.
        let held = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        loop.execute {
            holding.signal()
            held.wait()
        }
        holding.wait()
        let big = String(repeating: "x", count: 2_000)
        for number in 1...5_000 { host.info("flood \(number) \(big)") }
        held.signal()
        #expect(eventually { (try? onLoop(server) { environment, loop in environment.logFollowers.lastSequences(on: loop) }) == [5_000] })
        // Then 5,000 more, 500 at a time, each batch pulled before the next (so the ring keeps
        // them all): 10 MB of notices the client does not read, more than the socket buffers take.
        for batch in 0..<10 {
            let first = 5_001 + batch * 500
            for number in first..<(first + 500) { host.info("flood \(number) \(big)") }
            #expect(eventually { (try? onLoop(server) { environment, loop in environment.logFollowers.lastSequences(on: loop) }) == [first + 499] })
        }
        let highWater = try onLoop(server) { environment, loop in environment.watchBoard.highWater(on: loop) }
        #expect(highWater <= SessionWatches.maxQueued, "\(highWater) notices waited")
        // The queue is full now: the drop report comes once reading makes room, the marker after it.
        var payloads = try notices(until: "notices dropped: ", from: session)
        host.info("marker")
        payloads += try notices(until: "marker", from: session)
        #expect(payloads.first?.hasPrefix("log lines dropped: 4000 ") == true, "\(payloads.first ?? "none")")
        let noticesDropped = payloads.compactMap { $0.firstMatch(of: /^notices dropped: (\d+)/).flatMap { Int($0.1) } }.reduce(0, +)
        #expect(noticesDropped > 0)
        #expect(payloads.count { $0.hasPrefix("log lines dropped") } == 1)
        let lines = payloads.count { $0.contains(": flood ") }
        #expect(lines + noticesDropped == 6_000, "\(lines) lines and \(noticesDropped) dropped")
    }

    @Test("A follower that never reads is told of every line it lost: lines received plus lines lost is lines logged")
    func everyLostLineIsTold() throws {
        let (server, host) = try server(ring: LogRing(capacity: 1_000))
        let session = try server.connect()
        #expect(try session.run("log --follow").kind == .ok)
        let big = String(repeating: "x", count: 2_000)
        // Batches of 500, each pulled before the next (the ring keeps them all), until the socket
        // buffers are full, then the notice queue, and lines are dropped there.
        let pulled = { (try? onLoop(server) { environment, loop in environment.logFollowers.lastSequences(on: loop) }) ?? [] }
        let highWater = { (try? onLoop(server) { environment, loop in environment.watchBoard.highWater(on: loop) }) ?? 0 }
        var logged = 0
        while logged < 20_000, highWater() < SessionWatches.maxQueued {
            for _ in 0..<500 {
                logged += 1
                host.info("flood \(logged) \(big)")
            }
            #expect(eventually { pulled() == [logged] })
        }
        #expect(highWater() == SessionWatches.maxQueued)
        for _ in 0..<500 {
            logged += 1
            host.info("flood \(logged) \(big)")
        }
        #expect(eventually { pulled() == [logged] })
        // With the queue full, the ring overwrites 4,000 lines the follower had not pulled: the
        // notice that would tell of them finds no room, so they are counted for the next report.
        let loop = server.manhole.environment.eventLoop
        let (holding, held) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        loop.execute {
            holding.signal()
            held.wait()
        }
        holding.wait()
        for _ in 0..<5_000 {
            logged += 1
            host.info("flood \(logged) \(big)")
        }
        held.signal()
        try session.sendInterrupt()
        var received = 0
        var told = 0
        var answer: Frame
        repeat {
            answer = try session.readAnyFrame()
            let payload = answer.payload
            if payload.contains(": flood ") { received += 1 }
            if let match = payload.firstMatch(of: /^(?:log lines|notices) dropped: (\d+)/), let count = Int(match.1) { told += count }
        } while answer.kind == .notice
        let account = try #require(
            answer.payload.firstMatch(of: /watch 1 \((\d+) notices sent, (\d+) lost(?:, (\d+) of them not told before)?\)/),
            "\(answer)")
        let lost = Int(account.2)!
        let untold = account.3.flatMap { Int($0) } ?? 0
        #expect(lost >= 4_000)
        #expect(received + lost == logged, "\(received) lines received, \(lost) lost of \(logged)")
        #expect(told + untold == lost, "\(told) told by notices, \(untold) by the answer, \(lost) lost")
    }

    @Test("A read-only user may follow the log")
    func readOnlyFollows() throws {
        let (server, host) = try server()
        let session = try server.connect(user: "viewer", password: viewerPassword)
        let reply = try session.run("log --follow")
        #expect(reply.kind == .ok, "\(reply)")
        host.notice("seen by a viewer")
        #expect(try notices(until: "seen by a viewer", from: session).count == 1)
    }

    @Test("--follow with --lines, or twice, is refused with the usage")
    func badOptions() throws {
        let (server, _) = try server()
        let session = try server.connect()
        let both = try session.run("log --follow --lines 3")
        #expect(both.kind == .error && both.payload.contains("--lines does not go with --follow"), "\(both)")
        let twice = try session.run("log --follow --follow")
        #expect(twice.kind == .error && twice.payload.contains("--follow given twice"), "\(twice)")
    }
}
