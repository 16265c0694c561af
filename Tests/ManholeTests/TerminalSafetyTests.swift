import Foundation
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

/// What leaves the server as text cannot drive the operator's terminal, whoever wrote it: the
/// operator's own input echoed in an error, a host command's reply, a failure's description,
/// a goodbye. (The client filters too; these replies are checked on the wire.)
@Suite("Terminal safety of every text reply")
struct TerminalSafetyTests {
    /// CSI, OSC (clipboard write), BEL, ESC, a right-to-left override and DEL.
    static let attack = "x\u{9B}2J\u{9D}52;c;Zm9v\u{07}\u{1B}[31m\u{202E}gnp.exe\u{7F}"

    struct HostFailure: Error, CustomStringConvertible {
        var description: String { "upstream said: " + TerminalSafetyTests.attack }
    }

    @Test("Echoed input in errors, host command replies and failure texts reach the wire escaped")
    func everyTextReplyEscaped() throws {
        let server = try TestServer()
        try server.manhole.addCommand("echo-host", help: "replies with host text", readOnly: true) { _ in
            "host text: " + Self.attack
        }
        let failed = server.reactor.runInReactor { () throws -> Int in throw HostFailure() }
        let id = failed.stash()
        let connection = try server.connect()
        // Input the line decoder lets through (no C0 bytes) but that echoes C1 and bidi controls.
        let echoing = ["\u{9B}2J\u{202E}nope", "inspect \u{9D}52\u{202E}", "help \u{202E}x\u{9B}"]
        for line in echoing {
            let reply = try connection.run(line)
            #expect(reply.kind == .error, "\(line.debugDescription): \(reply.kind)")
            #expect(!holdsTerminalControl(reply.payload), "\(line.debugDescription): \(reply.payload.debugDescription)")
            #expect(reply.payload.contains("\\u{202E}"), "\(reply.payload.debugDescription)")
        }
        let host = try connection.run("echo-host")
        #expect(host.kind == .ok)
        #expect(!holdsTerminalControl(host.payload), "\(host.payload.debugDescription)")
        #expect(host.payload.contains("\\u{1B}[31m"), "\(host.payload.debugDescription)")
        let result = try connection.run("result \(id)")
        #expect(result.payload.contains("upstream said"), "\(result.payload.debugDescription)")
        #expect(!holdsTerminalControl(result.payload), "\(result.payload.debugDescription)")
        // JSON replies: the same characters as \uXXXX escapes, and the document still parses.
        for line in ["@json \u{9B}2J\u{202E}nope", "@json echo-host", "@json result \(id)"] {
            let reply = try connection.run(line)
            #expect(!holdsTerminalControl(reply.payload), "\(line.debugDescription): \(reply.payload.debugDescription)")
            #expect((try? JSONSerialization.jsonObject(with: Data(reply.payload.utf8))) != nil, "\(reply.payload.debugDescription)")
        }
        let json = try connection.run("@json echo-host")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.payload.utf8), options: .fragmentsAllowed)
        #expect("\(decoded)".contains("\u{202E}gnp.exe"), "the escapes decode back to the host's text")
        // The session goes on.
        #expect(try connection.run("whoami").kind == .ok)
    }
}
