import ManholeWire
import Foundation
import ManholeTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

/// A guesser that does not wait for its answers: it sends `AUTH` + `PROOF`, waits a few
/// milliseconds, takes "no welcome yet" for a wrong password, and closes. The penalty must apply
/// to the answer, right or wrong, so such a guesser learns nothing faster than the throttle allows.
@Suite("Guessing against the verdict throttle")
struct GuessingTests {
    /// What the guessers saw, over all threads.
    fileprivate struct Tally: Sendable {
        var rightAttempts = 0
        /// Right passwords that got no verdict within the guesser's patience.
        var rightWithheld = 0
        var quickWelcomes = 0
        var quickDenials = 0
        var wrongWithheld = 0
        var odd: [String] = []
    }

    @Test("8 impatient guessers in parallel: the right password's welcome is withheld like a denial, and the source receives at most one verdict per delay")
    func impatientGuessers() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.failureDelays = .milliseconds(50) ... .milliseconds(200)
            $0.logger = Logger(label: "test.manhole") { _ in capture }
            $0.logger.logLevel = .info
        }
        let tally = NIOLockedValueBox(Tally())
        let started = ContinuousClock.now
        let stopAt = started + .seconds(2)
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var random = SeededGenerator(seed: 0x6775_6573_7300 + UInt64(thread))
                while ContinuousClock.now < stopAt {
                    do {
                        try guessImpatiently(port: server.port, random: &random, tally: tally)
                    } catch {
                        tally.withLockedValue { $0.odd.append("\(error)") }
                        return
                    }
                }
            }
        }
        group.wait()
        // Every guesser has closed; once the server has seen them go, no verdict can follow.
        #expect(eventually { server.manhole.sessions.isEmpty })
        let runTime = ContinuousClock.now - started

        let seen = tally.withLockedValue { $0 }
        #expect(seen.odd == [])
        // (a) The guesser who closes early learns nothing: right passwords go unanswered like wrong ones.
        #expect(seen.rightAttempts >= 10, "the guessers tried the right password only \(seen.rightAttempts) times")
        #expect(
            seen.rightWithheld * 2 >= seen.rightAttempts,
            "\(seen.rightAttempts - seen.rightWithheld) of \(seen.rightAttempts) right passwords were welcomed at once")

        // (b) The verdicts the source received, by the server's own count: failures on record
        // plus welcomes. Delays 0, 50, 100, then 200 ms: at most 3 + runTime / 200 ms, plus slack.
        let failures = server.manhole.environment.state.throttle(of: "127.0.0.1").failures
        let welcomes = capture.entries.map(\.line).count { $0.hasPrefix("info logged in ") }
        let verdicts = failures + welcomes
        let bound = 3 + Int(runTime / .milliseconds(200)) + 2
        #expect(verdicts <= bound, "\(verdicts) verdicts (\(failures) denials, \(welcomes) welcomes) in \(runTime); at most \(bound) allowed")
        #expect(seen.quickWelcomes + seen.quickDenials <= verdicts)

        // The server's record of each verdict: consecutive ones are at least the delay apart that
        // the failures on record at the later one earn.
        let throttle = LoginThrottle(base: .milliseconds(50), maximum: .milliseconds(200), memory: .seconds(900))
        let record = server.manhole.environment.state.recentVerdicts.filter { $0.source == .loopback }
        #expect(record.count == verdicts)
        for (earlier, later) in zip(record, record.dropFirst()) {
            let gap = later.at - earlier.at
            #expect(gap >= throttle.delay(afterFailures: later.failuresBefore), "verdicts \(gap.nanoseconds) ns apart with \(later.failuresBefore) failures on record")
        }

        // The right user is not locked out: a client that waits for its answer logs in.
        #expect(try server.connect().run("whoami").kind == .ok)
    }

    @Test("A connection that closes while waiting for its verdict leaves the queue: it gets no verdict and the next one in line is judged in its place")
    func closingLeavesTheQueue() throws {
        // Long enough that both leavers' proofs arrive while the source waits for its next turn,
        // even in a sanitizer build on a loaded machine (sooner, a proof would be judged at once).
        let server = try TestServer {
            $0.failureDelays = .seconds(2) ... .seconds(2)
        }
        // One failure on record: the next verdict waits 2 s.
        let first = try server.raw()
        try first.socket.write("hello\n")
        #expect(try first.readFrame().kind == .denied)
        first.close()
        // A wrong proof waits in line, then its client closes (one with a reset, one with a FIN).
        for leave in [{ (connection: ManholeConnection) in connection.socket.abort() }, { $0.close() }] {
            let leaver = try server.raw()
            var exchange = ScramClientExchange(user: "admin")
            try leaver.socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
            let challenge = try leaver.readFrame().payload.trimmingTrailingNewline
            _ = try exchange.proof(forChallenge: challenge, password: "not the password", minimumIterations: FastLogin.iterations)
            let nonce = challenge.split(separator: ",").first { $0.hasPrefix("r=") } ?? ""
            try leaver.socket.write("PROOF c=biws,\(nonce),p=\(Data(repeating: 3, count: 32).base64EncodedString())\n")
            leave(leaver)
        }
        // The right password, queued behind them, is the next verdict the source receives.
        let patient = try server.raw()
        try patient.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        let verdicts = server.manhole.environment.state.recentVerdicts
        #expect(verdicts.map(\.welcome) == [false, true], "\(verdicts.count) verdicts recorded: \(verdicts)")
    }

    @Test("Connections from 127.0.0.2, 127.0.0.3 … share one throttle record: the loopback source")
    func loopbackAddressesAreOneSource() throws {
        let server = try TestServer {
            $0.failureDelays = .milliseconds(1) ... .milliseconds(2)
        }
        for last in 2...6 {
            let source = "127.0.\(last).\(last)"
            let received = try exchange("hello\n", from: source, port: server.port, until: "DENIED")
            #expect(received.contains("DENIED"), "from \(source): \(received)")
        }
        let sessions = server.manhole.environment.state
        #expect(sessions.throttle(of: "127.0.0.1").failures == 5)
        #expect(sessions.throttledSources == 1)
    }
}

/// Connects to 127.0.0.1:`port` from the local address `source` (any 127.x.y.z is the local
/// host on Linux), sends `line`, and reads until `marker` arrives or the server closes (2 s at
/// most); returns what was read. A raw socket: ``BlockingSocket`` does not bind a source address.
private func exchange(_ line: String, from source: String, port: Int, until marker: String) throws -> String {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ShellError("socket: \(errno)") }
    defer { close(descriptor) }
    func address(_ host: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }
    var local = address(source, 0)
    var remote = address("127.0.0.1", port)
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    guard bound == 0 else { throw ShellError("bind \(source): \(String(cString: strerror(errno)))") }
    let connected = withUnsafePointer(to: &remote) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) }
    }
    guard connected == 0 else { throw ShellError("connect from \(source): \(String(cString: strerror(errno)))") }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = Array(line.utf8).withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4_096)
    while !String(decoding: received, as: UTF8.self).contains(marker) {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { break }
        received += chunk[..<count]
    }
    return String(decoding: received, as: UTF8.self)
}

/// One impatient guesser's connection: up to 3 attempts, about one in four with the right
/// password; after each proof it waits 5 ms for a verdict, and closes if none came.
private func guessImpatiently(
    port: Int, random: inout SeededGenerator, tally: NIOLockedValueBox<GuessingTests.Tally>
) throws {
    let connection = try ManholeConnection(port: port, timeout: .seconds(30))
    defer { connection.close() }
    for _ in 0..<3 {
        let right = random.next() % 4 == 0
        var exchange = ScramClientExchange(user: "admin")
        connection.socket.setTimeout(.seconds(30))
        try connection.socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
        let challenge = try connection.readFrame()
        guard challenge.kind == .challenge else {
            // A goodbye after three failures.
            return
        }
        let text = challenge.payload.trimmingTrailingNewline
        let proof: String
        if right {
            proof = try exchange.proof(forChallenge: text, password: adminPassword, minimumIterations: FastLogin.iterations)
        } else {
            guard let combined = text.split(separator: ",").first(where: { $0.hasPrefix("r=") }) else {
                throw ShellError("no nonce in \(text)")
            }
            proof = "c=biws,\(combined),p=\(Data(random.bytes(32)).base64EncodedString())"
        }
        try connection.socket.write("PROOF \(proof)\n")
        connection.socket.setTimeout(.milliseconds(5))
        let answer: Frame
        do {
            answer = try connection.readFrame()
        } catch BlockingSocket.Failure.timedOut {
            tally.withLockedValue {
                if right {
                    $0.rightAttempts += 1
                    $0.rightWithheld += 1
                } else {
                    $0.wrongWithheld += 1
                }
            }
            return
        }
        switch answer.kind {
        case .welcome:
            tally.withLockedValue {
                if !right { $0.odd.append("a wrong password was welcomed") }
                $0.rightAttempts += 1
                $0.quickWelcomes += 1
            }
            return
        case .denied:
            tally.withLockedValue {
                if right { $0.odd.append("the right password was denied") }
                $0.quickDenials += 1
            }
        default:
            return
        }
    }
}
