import ManholeWire
import Foundation
import ManholeTesting
import Logging
import NIOConcurrencyHelpers
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

/// Hostile clients over real loopback sockets. Each test states what the offender gets, and runs
/// the attack inside ``withBystander(_:sourceLocation:_:)``: a separate logged-in session keeps
/// running commands and must get every reply right, and a host thread doing blocking work through
/// the reactor must keep making progress.
@Suite("Hostile input over real sockets")
struct HostileInputTests {
    // MARK: - Long and endless lines

    @Test("A 1 MiB line gets one 'line too long' error and is discarded: after login the session continues, before login it is a failed attempt")
    func megabyteLine() throws {
        let server = try TestServer()
        let line = String(repeating: "x", count: 1 << 20) + "\n"
        try withBystander(server) {
            let session = try server.connect()
            try session.socket.write(line)
            let reply = try session.readFrame()
            #expect(reply.kind == .error)
            #expect(reply.payload == "line too long (the limit is 4096 bytes); it was discarded\n")
            #expect(try session.run("whoami").payload.hasPrefix("user     admin\nrole     admin\nsession  "))

            let stranger = try server.raw()
            try stranger.socket.write(line)
            let denied = try stranger.readFrame()
            #expect(denied.kind == .denied)
            #expect(denied.payload == "line too long (the limit is 4096 bytes); it was discarded\n")
            try stranger.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        }
    }

    @Test("A line that never ends (32 MiB, 8 under a sanitizer) gets one 'line too long' error, is not buffered, and a newline ends the discarding")
    func endlessLine() throws {
        let server = try TestServer()
        let chunk = [UInt8](repeating: UInt8(ascii: "y"), count: 64 * 1_024)
        let sent = runningUnderSanitizer ? 8 << 20 : 32 << 20
        let growth = try withBystander(server) {
            let session = try server.connect()
            let watch = MemoryWatch()
            for _ in 0..<(sent / chunk.count) { try session.socket.write(chunk) }
            try session.socket.write("\nwhoami\n")
            let growth = watch.stop()
            let reply = try session.readFrame()
            #expect(reply.kind == .error)
            #expect(reply.payload == "line too long (the limit is 4096 bytes); it was discarded\n")
            let next = try session.readFrame()
            #expect(next.kind == .ok, "one error for the whole endless line, then the next command")
            #expect(next.payload.hasPrefix("user     admin\nrole     admin\nsession  "))
            return growth
        }
        if residentMemoryIsMeaningful {
            #expect(growth < sent / 2, "resident memory grew \(growth >> 20) MiB while \(sent >> 20) MiB arrived without a newline")
        }
    }

    // MARK: - Bytes a shell cannot read

    @Test("Invalid UTF-8 gets 'not valid UTF-8' and is discarded; before login it is a failed attempt")
    func invalidUTF8() throws {
        try expectRefusedLine([0x6C, 0x73, 0x20, 0xC3, 0x28, 0xFE, 0x0A], "the line is not valid UTF-8; it was discarded\n")
    }

    @Test("A NUL byte gets 'NUL or control bytes' and is discarded; before login it is a failed attempt")
    func nulBytes() throws {
        try expectRefusedLine([0x77, 0x68, 0x6F, 0x00, 0x61, 0x6D, 0x69, 0x0A], "the line holds NUL or control bytes; it was discarded\n")
    }

    @Test("Telnet negotiation gets 'telnet negotiation is not supported' and is discarded; before login it is a failed attempt")
    func telnetNegotiation() throws {
        // What a telnet client sends on connect (IAC DO SUPPRESS-GO-AHEAD, IAC WILL TERMINAL-TYPE,
        // IAC WILL NAWS), then the user's first line.
        let negotiation: [UInt8] = [0xFF, 0xFD, 0x03, 0xFF, 0xFB, 0x18, 0xFF, 0xFB, 0x1F] + Array("whoami\r\n".utf8)
        try expectRefusedLine(negotiation, "telnet negotiation is not supported (use manhole-client or a raw TCP client)\n")
    }

    /// After login: an error frame with `message`, and the session goes on. Before login: a
    /// denial with `message`, and the right password still logs in on the same connection.
    private func expectRefusedLine(_ bytes: [UInt8], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let server = try TestServer()
        try withBystander(server, sourceLocation: sourceLocation) {
            let session = try server.connect()
            try session.socket.write(bytes)
            let reply = try session.readFrame()
            #expect(reply.kind == .error, sourceLocation: sourceLocation)
            #expect(reply.payload == message, sourceLocation: sourceLocation)
            #expect(try session.run("whoami").kind == .ok, sourceLocation: sourceLocation)

            let stranger = try server.raw()
            try stranger.socket.write(bytes)
            let denied = try stranger.readFrame()
            #expect(denied.kind == .denied, sourceLocation: sourceLocation)
            #expect(denied.payload == message, sourceLocation: sourceLocation)
            try stranger.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        }
    }

    @Test("1 MiB of random bytes: before login three denials and the connection is closed; after login one error frame per line and the session continues")
    func randomBinary() throws {
        let server = try TestServer()
        var random = SeededGenerator(seed: 0x6D61_6E68_6F6C_65)
        let noise = random.bytes(1 << 20)
        let lines = noise.count { $0 == 0x0A }
        try withBystander(server) {
            let stranger = try server.raw()
            let frames = writingInBackground(noise, to: stranger.socket) { framesUntilClosed(stranger) }
            #expect(frames.map(\.kind) == [.denied, .denied, .denied, .bye])
            #expect(frames.last?.payload == "too many failed logins\n")

            let session = try server.connect()
            // A final newline ends the last random line.
            let replies = writingInBackground(noise + [0x0A], to: session.socket) {
                (0...lines).compactMap { _ in try? session.readFrame() }
            }
            #expect(replies.count == lines + 1)
            // A random line is refused, unknown, or empty (two newlines in a row: an empty reply).
            #expect(replies.allSatisfy { $0.kind == .error || ($0.kind == .ok && $0.payload.isEmpty) })
            #expect(replies.filter { $0.kind == .error }.count > lines * 9 / 10)
            #expect(try session.run("whoami").kind == .ok)
        }
    }

    // MARK: - Other protocols

    @Test("An HTTP request or a WebSocket upgrade is closed at once after the greeting, without any reply")
    func httpAndWebSocket() throws {
        let server = try TestServer()
        try withBystander(server) {
            for request in [
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:5022\r\n\r\n",
                "POST /eval HTTP/1.1\r\nContent-Length: 2\r\n\r\nls\n",
                "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                "Host: localhost\r\n",
            ] {
                let connection = try server.raw()
                try connection.socket.write(request)
                #expect(framesUntilClosed(connection) == [], "\(request)")
            }
            #expect(try server.connect().run("whoami").kind == .ok)
        }
    }

    // MARK: - Slow clients

    @Test("Slowloris before login (a byte every 20 ms, never a full line) is closed at the login deadline with a goodbye")
    func slowlorisBeforeLogin() throws {
        // Production: authTimeout 10 s.
        let server = try TestServer { $0.authTimeout = .milliseconds(500) }
        try withBystander(server) {
            let slow = try server.raw()
            let frames = trickling(Array("AUTH SCRAM-SHA-256 n,,n=admin,r=".utf8) + Array(repeating: UInt8(ascii: "a"), count: 500), to: slow) {
                framesUntilClosed(slow)
            }
            #expect(frames.map(\.kind) == [.bye])
            #expect(frames.first?.payload == "login timed out after 500ms\n")
        }
    }

    @Test("Slowloris after login: a command trickled byte by byte is answered, but bytes without a newline are no activity and the idle timeout closes the session")
    func slowlorisAfterLogin() throws {
        // Production: idleTimeout 30 minutes.
        let server = try TestServer { $0.idleTimeout = .milliseconds(600) }
        try withBystander(server) {
            let slow = try server.connect()
            let answer = try trickling(Array("whoami\n".utf8), to: slow) { try slow.readFrame() }
            #expect(answer.kind == .ok)
            #expect(answer.payload.hasPrefix("user     admin\nrole     admin\nsession  "))
            let frames = trickling(Array(repeating: UInt8(ascii: "z"), count: 1_000), to: slow) { framesUntilClosed(slow) }
            #expect(frames.map(\.kind) == [.bye])
            #expect(frames.first?.payload == "idle for 600ms\n")
        }
    }

    // MARK: - Closing oddly

    @Test("A client that half-closes gets the replies to every complete line it sent, then the server closes")
    func halfClose() throws {
        let server = try TestServer()
        try server.manhole.addCommand("slow", help: "answers after 100 ms") { _ in
            try await Task.sleep(for: .milliseconds(100))
            return "done"
        }
        try withBystander(server) {
            let session = try server.connect()
            // A command still running at end of input, one waiting behind it, and a partial line.
            try session.socket.write("slow\nwhoami\ninspect bystander.port\nwhoa")
            session.socket.shutdownWrite()
            let frames = framesUntilClosed(session)
            #expect(frames.map(\.kind) == [.ok, .ok, .ok])
            #expect(frames.map(\.payload).first == "done\n")
            #expect(frames.last?.payload == "bystander.port: Int = 8080\n")

            // Before login too: the line is answered, then the connection closes.
            let stranger = try server.raw()
            try stranger.socket.write("AUTH SCRAM-SHA-256 n,,n=admin,r=0123456789abcdefghij\n")
            stranger.socket.shutdownWrite()
            #expect(framesUntilClosed(stranger).map(\.kind) == [.challenge])
        }
        #expect(eventually { server.manhole.sessions.isEmpty })
    }

    @Test("A reset in the middle of a long reply closes that session only: it is logged and removed, others keep working")
    func resetMidReply() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.maxReplyBytes = 8 << 20
            $0.logger = Logger(label: "test.manhole") { _ in capture }
            $0.logger.logLevel = .debug
        }
        let blob = String(repeating: "r", count: 4 << 20)
        try server.manhole.addCommand("blob", help: "4 MiB") { _ in blob }
        try withBystander(server) {
            for _ in 0..<5 {
                let leaver = try server.connect()
                try leaver.socket.write("blob\n")
                // The header is out: the reply is being written.
                #expect(try leaver.socket.readLine(maximum: 256).starts(with: Array("OK ".utf8)))
                leaver.socket.abort()
            }
            #expect(eventually { server.manhole.sessions.count == 1 })
            // Each leaver's session was logged as closed (the bystander's is still open).
            #expect(eventually { capture.entries.map(\.line).count { $0.contains(" session closed ") } == 5 })
        }
    }

    @Test("A client that never reads stalls only itself: the server stops reading its input and its memory stays bounded")
    func neverReads() throws {
        let server = try TestServer { $0.maxReplyBytes = 2 << 20 }
        let blob = String(repeating: "b", count: 1 << 20)
        try server.manhole.addCommand("blob", help: "1 MiB") { _ in blob }
        // 200,000 requests for 1 MiB each: 200 GiB of replies asked for.
        let requests = 200_000
        let (served, growth) = try withBystander(server) {
            let hog = try server.connect()
            let watch = MemoryWatch()
            let writer = DispatchSemaphore(value: 0)
            let socket = Handoff(value: hog.socket)
            Thread.detachNewThread {
                // Blocks once the server stops reading; fails when the hog closes.
                try? socket.value.write(String(repeating: "blob\n", count: requests))
                writer.signal()
            }
            #expect(eventually { server.manhole.sessions.contains { $0.user == "admin" && $0.commands > 0 } })
            // Let the hog push on; the bystander keeps being served meanwhile.
            usleep(300_000)
            let served = server.manhole.sessions.first { $0.user == "admin" }?.commands ?? 0
            let growth = watch.stop()
            // Shutting down the sending side wakes a writer blocked in send; then reset.
            hog.socket.shutdownWrite()
            writer.wait()
            hog.socket.abort()
            return (served, growth)
        }
        #expect(served < 100, "the server ran \(served) of \(requests) commands for a client that reads nothing")
        if residentMemoryIsMeaningful {
            #expect(growth < 64 << 20, "resident memory grew \(growth >> 20) MiB")
        }
        #expect(eventually { server.manhole.sessions.isEmpty })
    }

    // MARK: - Too many

    @Test("Connections beyond the session limit get a goodbye saying so instead of a greeting; the sessions in place keep working")
    func beyondSessionLimit() throws {
        let server = try TestServer { $0.maxSessions = 3 }
        try withBystander(server) {
            let first = try server.connect()
            let second = try server.connect()
            for _ in 0..<5 {
                #expect(throws: ManholeConnection.LoginFailure.refused("too many sessions (the limit is 3); try again later")) {
                    try server.raw()
                }
            }
            #expect(try first.run("whoami").kind == .ok)
            #expect(try second.run("whoami").kind == .ok)
            second.close()
            #expect(eventually { server.manhole.sessions.count == 2 })
            #expect(try server.connect().run("whoami").kind == .ok)
        }
    }

    @Test("When every pending-login slot is taken, a new connection evicts the one silent longest once it has been silent a tenth of the login deadline; before that it is refused")
    func pendingLoginEviction() throws {
        let server = try TestServer {
            $0.maxPendingLogins = 3
            $0.authTimeout = .seconds(4)
        }
        try withBystander(server) {
            let quiet = try server.raw()
            let once = try server.raw()
            let twice = try server.raw()
            // Failures do not matter; silence does: `twice` and `once` speak, `quiet` does not.
            for (connection, failures) in [(once, 1), (twice, 2)] {
                for _ in 0..<failures {
                    try connection.socket.write("hello\n")
                    #expect(try connection.readFrame().kind == .denied)
                }
            }
            // Everyone spoke (or connected) within the grace: the next one is refused.
            #expect(throws: ManholeConnection.LoginFailure.refused("too many connections logging in at once (the limit is 3)")) {
                try server.raw()
            }
            usleep(500_000)
            // Then the newcomer takes the slot of the connection silent longest: `quiet`.
            let newcomer = try server.raw()
            #expect(framesUntilClosed(quiet).map(\.payload) == ["evicted: too many connections logging in\n"])
            try newcomer.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
            try once.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
            try twice.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
            #expect(try twice.run("whoami").kind == .ok)
        }
    }

    // MARK: - Guessing and replaying

    @Test("10,000 wrong passwords (2,000 under a sanitizer) from 16 connections at a time: each denied alike, 3 per connection, verdicts spaced per source, and the right user still logs in")
    func passwordStorm() throws {
        // Verdicts are serialized per source (all loopback is one): at most one per 100 µs here.
        let server = try TestServer {
            $0.failureDelays = .microseconds(50) ... .microseconds(100)
        }
        let total = runningUnderSanitizer ? 2_000 : 10_000
        let claimed = NIOLockedValueBox(0)
        let tally = NIOLockedValueBox((denied: 0, connections: 0, odd: [String]()))
        let rightLogins = try withBystander(server) {
            let group = DispatchGroup()
            for thread in 0..<16 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    var random = SeededGenerator(seed: UInt64(thread))
                    do {
                        try guessPasswords(port: server.port, random: &random, tally: tally) {
                            claimed.withLockedValue { count in
                                guard count < total else { return false }
                                count += 1
                                return true
                            }
                        }
                    } catch {
                        tally.withLockedValue { $0.odd.append("\(error)") }
                    }
                }
            }
            // The right user logs in during the storm, more than once.
            var logins = 0
            for milestone in [total / 4, total / 2, total * 3 / 4] {
                eventually { claimed.withLockedValue { $0 } >= milestone }
                if claimed.withLockedValue({ $0 }) < total, (try? server.connect().run("whoami").kind) == .ok { logins += 1 }
            }
            group.wait()
            return logins
        }
        let result = tally.withLockedValue { $0 }
        #expect(result.odd == [])
        #expect(result.denied == total)
        #expect(result.connections >= total / 3)
        #expect(rightLogins == 3)
        let throttle = server.manhole.environment.state.throttle(of: "127.0.0.1")
        #expect(throttle.failures >= total)
        #expect(throttle.nextDelay == .microseconds(100))
    }

    @Test("A captured successful login replayed on a new connection gets a fresh challenge and is denied")
    func replay() throws {
        let server = try TestServer()
        try withBystander(server) {
            // Capture every line a successful login sends.
            let first = try server.raw()
            var exchange = ScramClientExchange(user: "admin")
            let hello = "AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n"
            try first.socket.write(hello)
            let challenge = try first.readFrame().payload.trimmingTrailingNewline
            let proof = "PROOF " + (try exchange.proof(forChallenge: challenge, password: adminPassword, minimumIterations: FastLogin.iterations)) + "\n"
            try first.socket.write(proof)
            #expect(try first.readFrame().kind == .welcome)
            // Replay them byte for byte, three times over, as one write each.
            for _ in 0..<3 {
                let replay = try server.raw()
                try replay.socket.write(hello + proof)
                let second = try replay.readFrame()
                #expect(second.kind == .challenge)
                #expect(second.payload != challenge + "\n")
                let answer = try replay.readFrame()
                #expect(answer.kind == .denied)
                #expect(answer.payload == "authentication failed\n")
            }
            #expect(try first.run("whoami").kind == .ok)
        }
    }

    @Test("A login flood of 1,000 connections (400 under a sanitizer) while 4 sessions run commands: every reply right, each flood connection greeted, refused or closed, and a login works after")
    func loginFlood() throws {
        let server = try TestServer()
        let perThread = runningUnderSanitizer ? 100 : 250
        let flooding = NIOLockedValueBox(true)
        let tally = NIOLockedValueBox((attempts: 0, commands: 0, odd: [String]()))
        try withBystander(server) {
            let group = DispatchGroup()
            for index in 0..<4 {
                let session = Handoff(value: try server.connect())
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let identity = try session.value.run("whoami").payload
                        while flooding.withLockedValue({ $0 }) {
                            let reply = try session.value.run("whoami")
                            guard reply.payload == identity else { throw ShellError("session \(index): \(reply.payload)") }
                            tally.withLockedValue { $0.commands += 1 }
                        }
                    } catch {
                        tally.withLockedValue { $0.odd.append("\(error)") }
                    }
                }
            }
            let flooders = DispatchGroup()
            for thread in 0..<4 {
                flooders.enter()
                Thread.detachNewThread {
                    defer { flooders.leave() }
                    for attempt in 0..<perThread {
                        if let problem = floodOnce(port: server.port, kind: (thread + attempt) % 3) {
                            tally.withLockedValue { $0.odd.append(problem) }
                        }
                        tally.withLockedValue { $0.attempts += 1 }
                    }
                }
            }
            flooders.wait()
            flooding.withLockedValue { $0 = false }
            group.wait()
            #expect(eventually { server.manhole.sessions.count(where: { $0.user == nil }) == 0 })
            #expect(try server.connect().run("whoami").kind == .ok)
        }
        let result = tally.withLockedValue { $0 }
        #expect(result.odd == [])
        #expect(result.attempts == 4 * perThread)
        #expect(result.commands > 0)
    }
}

// MARK: - Attackers

/// Writes `bytes` from another thread while `body` reads; waits for the writer (whose errors,
/// once the server closes, are expected and ignored).
private func writingInBackground<T>(_ bytes: [UInt8], to socket: BlockingSocket, _ body: () throws -> T) rethrows -> T {
    let done = DispatchSemaphore(value: 0)
    let handoff = Handoff(value: socket)
    Thread.detachNewThread {
        try? handoff.value.write(bytes)
        done.signal()
    }
    defer { done.wait() }
    return try body()
}

/// Sends `bytes` one every 20 ms from another thread while `body` reads, stopping early once
/// `body` returns or a write fails.
private func trickling<T>(_ bytes: [UInt8], to connection: ManholeConnection, _ body: () throws -> T) rethrows -> T {
    let done = DispatchSemaphore(value: 0)
    let stop = NIOLockedValueBox(false)
    let socket = Handoff(value: connection.socket)
    Thread.detachNewThread {
        defer { done.signal() }
        for byte in bytes {
            guard !stop.withLockedValue({ $0 }), (try? socket.value.write([byte])) != nil else { return }
            usleep(20_000)
        }
    }
    defer {
        stop.withLockedValue { $0 = true }
        done.wait()
    }
    return try body()
}

/// One attacker: connections that each try 3 random proofs for `admin` by hand (no key
/// stretching needed to guess wrong), for as long as `claim` grants attempts.
private func guessPasswords(
    port: Int, random: inout SeededGenerator, tally: NIOLockedValueBox<(denied: Int, connections: Int, odd: [String])>,
    claim: () -> Bool
) throws {
    while true {
        let connection = try ManholeConnection(port: port)
        tally.withLockedValue { $0.connections += 1 }
        for _ in 0..<3 {
            guard claim() else { return connection.close() }
            let nonce = Data(random.bytes(24)).base64EncodedString()
            try connection.socket.write("AUTH SCRAM-SHA-256 n,,n=admin,r=\(nonce)\n")
            let challenge = try connection.readFrame()
            guard challenge.kind == .challenge,
                let combined = challenge.payload.split(separator: ",").first(where: { $0.hasPrefix("r=") })
            else { throw ShellError("expected a challenge: \(challenge.kind) \(challenge.payload)") }
            try connection.socket.write("PROOF c=biws,\(combined),p=\(Data(random.bytes(32)).base64EncodedString())\n")
            let answer = try connection.readFrame()
            guard answer.kind == .denied, answer.payload == "authentication failed\n" else {
                throw ShellError("expected a denial: \(answer.kind) \(answer.payload)")
            }
            tally.withLockedValue { $0.denied += 1 }
        }
        let rest = framesUntilClosed(connection)
        guard rest.map(\.payload) == ["too many failed logins\n"] else { throw ShellError("after 3 failures: \(rest)") }
    }
}

/// One flood connection: 0 connects and closes at once; 1 reads the greeting (or the refusal),
/// sends a bad line and leaves; 2 sends an HTTP request and must be closed without a reply.
/// Returns what went wrong, if anything.
private func floodOnce(port: Int, kind: Int) -> String? {
    do {
        let socket = try BlockingSocket(host: "127.0.0.1", port: port, timeout: .seconds(30))
        defer { socket.close() }
        guard kind > 0 else { return nil }
        let first = try ManholeConnection.readFrame(from: socket)
        if first.kind == .bye {
            return first.payload == "too many connections logging in at once (the limit is 32)\n" ? nil : "refused: \(first.payload)"
        }
        guard first.kind == .hello else { return "first frame \(first.kind)" }
        if kind == 1 {
            try socket.write("let me in\n")
            return nil
        }
        try socket.write("GET / HTTP/1.1\r\n\r\n")
        do {
            let frame = try ManholeConnection.readFrame(from: socket)
            return "an HTTP request got \(frame.kind)"
        } catch BlockingSocket.Failure.closed {
            return nil
        }
    } catch {
        return "\(error)"
    }
}
