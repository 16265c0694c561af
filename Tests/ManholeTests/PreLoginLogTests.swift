import ManholeWire
import Foundation
import ManholeTesting
import Logging
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

@Suite("What a client can make the server log before login")
struct PreLoginLogTests {
    @Test("A user name with C1 and bidirectional controls and 200 characters is logged escaped and cut to 64 characters")
    func userNameEscapedAndCut() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.logger = Logger(label: "test.manhole") { _ in capture }
            $0.logger.logLevel = .trace
        }
        // U+009B is CSI (a one-character ESC [), U+202E reverses the text that follows.
        let name = "\u{9B}2J\u{202E}" + String(repeating: "n", count: 200)
        let connection = try server.raw()
        try connection.socket.write("AUTH SCRAM-SHA-256 n,,n=\(name),r=0123456789abcdefghij\n")
        let challenge = try connection.readFrame()
        #expect(challenge.kind == .challenge)
        let nonce = challenge.payload.split(separator: ",").first { $0.hasPrefix("r=") } ?? ""
        try connection.socket.write("PROOF c=biws,\(nonce),p=\(Data(repeating: 7, count: 32).base64EncodedString())\n")
        #expect(try connection.readFrame().kind == .denied)
        // ESC itself never gets that far: the line decoder refuses control bytes.
        try connection.socket.write("AUTH SCRAM-SHA-256 n,,n=\u{1B}[2J,r=0123456789abcdefghij\n")
        #expect(try connection.readFrame().payload == "the line holds NUL or control bytes; it was discarded\n")

        #expect(eventually { capture.entries.contains { $0.message == "login failed" && $0.metadata["user"] != "-" } })
        let logged = capture.entries.first { $0.message == "login failed" && $0.metadata["user"] != "-" }?.metadata["user"]?.description ?? ""
        #expect(logged.hasPrefix(#"\u{9B}2J\u{202E}nnn"#), "\(logged.debugDescription)")
        #expect(logged.count <= 65 && logged.hasSuffix("…"), "\(logged.count) characters: \(logged.debugDescription)")
        let dangerous = capture.entries.map(\.line).joined().unicodeScalars.filter {
            (0x00...0x1F).contains($0.value) || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
        }
        #expect(dangerous.isEmpty, "control characters reached the log: \(dangerous.map { String($0.value, radix: 16) })")
    }

    @Test("1,000 failed AUTHs from one source: about 10 log lines a second, then a line with the count of what was dropped")
    func floodOfFailuresIsRateLimited() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer {
            $0.failureDelays = .zero ... .zero
            $0.logger = Logger(label: "test.manhole") { _ in capture }
            $0.logger.logLevel = .info
        }
        let started = ContinuousClock.now
        var failed = 0
        while failed < 1_000 {
            // Three bad AUTHs per connection, the most a connection gets before it is closed.
            let connection = try server.raw()
            try connection.socket.write(String(repeating: "AUTH SCRAM-SHA-256 n,,n=x\n", count: 3))
            failed += framesUntilClosed(connection).count { $0.kind == .denied }
        }
        #expect(eventually { server.manhole.sessions.isEmpty })
        let elapsed = ContinuousClock.now - started
        let floodLines = capture.entries.count
        // A second later, the next line from the source reports what was dropped.
        usleep(1_100_000)
        _ = try server.raw()
        #expect(eventually { capture.entries.contains { $0.message == "log lines before login dropped" } })

        let seconds = Int(elapsed / .seconds(1)) + 1
        #expect(floodLines <= 10 * seconds + seconds, "\(floodLines) lines logged in \(elapsed) for \(failed) failures")
        let dropped = capture.entries.filter { $0.message == "log lines before login dropped" }
            .compactMap { $0.metadata["dropped"].flatMap { Int($0.description) } }.reduce(0, +)
        let kept = capture.entries.count { $0.message == "login failed" }
        #expect(dropped + kept >= failed, "\(kept) failures logged and \(dropped) lines counted as dropped, for \(failed) failures")
        #expect(capture.entries.allSatisfy { $0.message != "log lines before login dropped" || $0.metadata["source"] == "loopback" })
    }
}
