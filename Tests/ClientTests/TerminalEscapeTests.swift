import ManholeWire
import Foundation
import Testing

/// The real client against a fake server whose replies carry what could take over a terminal:
/// an OSC 52 clipboard write, a C1 CSI and OSC, a bidi override, DEL, backspace, carriage
/// return, invalid UTF-8. None may reach standard output or error raw, in text or `--json` mode.
/// (A fake server, so the client's own filter is what is tested, whatever the real server escapes.)
@Suite("Terminal escapes from the server")
struct TerminalEscapeTests {
    /// Host data a hostile third party could have placed: OSC 52 (set the clipboard), a C1 CSI
    /// (U+009B) colouring, a C1 OSC (U+009D), a right-to-left override, DEL, BS, CR.
    static let hostile = "clip\u{1B}]52;c;cm0gLXJmIH4=\u{07} csi\u{9B}31m osc\u{9D}0;title\u{9C} rlo\u{202E}txt.exe del\u{7F} bs\u{08} cr\r lri\u{2066}"
    /// The bytes that must never reach the client's output raw.
    static let forbidden: [(String, [UInt8])] = [
        ("ESC", [0x1B]), ("BEL", [0x07]), ("DEL", [0x7F]), ("BS", [0x08]), ("CR", [0x0D]),
        ("U+009B CSI", [0xC2, 0x9B]), ("U+009D OSC", [0xC2, 0x9D]), ("U+009C ST", [0xC2, 0x9C]),
        ("U+202E RLO", [0xE2, 0x80, 0xAE]), ("U+2066 LRI", [0xE2, 0x81, 0xA6]), ("invalid UTF-8", [0xFF]),
    ]

    /// A fake server that logs the client in and answers each command with the hostile text:
    /// `show` succeeds (as text, or as JSON with `@json`), `fail` fails, `complete …` offers
    /// a hostile candidate, and anything else gets a goodbye whose reason is hostile.
    private func hostileServer() throws -> FakeServer {
        try FakeServer { peer in
            var sequence = try peer.logIn()
            while let line = peer.readLine() {
                let json = line.hasPrefix("@json ")
                let command = json ? String(line.dropFirst(6)) : line
                if command == "show" && json {
                    // Raw control characters inside a JSON string: invalid JSON from a hostile server.
                    let value = Array("{\"value\":\"\(Self.hostile)".utf8) + [0xFF] + Array("\"}".utf8)
                    peer.sendFrame(.ok, sequence: sequence, format: .json, payload: value)
                } else if command == "show" {
                    peer.sendFrame(.ok, sequence: sequence, payload: Array("value: \(Self.hostile)\n".utf8) + [0xFF, 0x0A])
                } else if command == "fail" {
                    peer.sendFrame(.error, sequence: sequence, "failed: \(Self.hostile)\n")
                } else {
                    peer.sendFrame(.bye, sequence: 0, "goodbye: \(Self.hostile)\n")
                    return
                }
                sequence += 1
            }
        }
    }

    private func expectNothingRaw(_ run: ClientRun, sourceLocation: SourceLocation = #_sourceLocation) {
        for (stream, text) in [("stdout", run.output), ("stderr", run.error)] {
            let bytes = Array(text.utf8)
            for (name, sequence) in Self.forbidden {
                #expect(bytes.firstRange(of: sequence) == nil, "\(name) reached \(stream) raw: \(text.debugDescription)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("Text replies, errors and the goodbye reason show controls as visible escapes")
    func textMode() throws {
        let server = try hostileServer()
        let run = try runClient(
            ["-p", "\(server.port)", "-u", "admin", "-c", "show", "-c", "fail", "-c", "leave"], allowingWeakServerParameters: false)
        _ = try server.finish()
        #expect(run.status == 2, "the goodbye loses the connection: \(run.error)")
        expectNothingRaw(run)
        #expect(run.output.contains(#"value: clip\e]52;c;cm0gLXJmIH4=\a csi\u{9B}31m osc\u{9D}0;title\u{9C} rlo\u{202E}txt.exe del\x7f bs\b cr\r lri\u{2066}"#), "stdout: \(run.output)")
        #expect(run.output.contains("\u{FFFD}"), "invalid UTF-8 is shown replaced")
        #expect(run.error.contains(#"error: failed: clip\e]52"#), "stderr: \(run.error)")
        #expect(run.error.contains(#"connection lost: the server ended the session: goodbye: clip\e]52"#), "stderr: \(run.error)")
    }

    @Test("--json lines escape every control as \\uXXXX and stay valid JSON holding the same text")
    func jsonMode() throws {
        let server = try hostileServer()
        let run = try runClient(
            ["-p", "\(server.port)", "-u", "admin", "--json", "-c", "show", "-c", "fail", "-c", "leave"],
            allowingWeakServerParameters: false)
        _ = try server.finish()
        #expect(run.status == 2)
        expectNothingRaw(run)
        let lines = run.outputLines
        try #require(lines.count == 2, "stdout: \(run.output)")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], "\(lines[0])")
        #expect((shown["reply"] as? [String: Any])?["value"] as? String == Self.hostile + "\u{FFFD}", "decoded: \(shown)")
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any], "\(lines[1])")
        #expect((failed["reply"] as? [String: Any])?["text"] as? String == "failed: \(Self.hostile)\n")
        #expect(lines[0].contains(#"\u001b]52"#) && lines[0].contains(#"\u009b"#) && lines[0].contains(#"\u202e"#))
    }
}
