import Manhole
import ManholeClient
import ManholeWire
import Testing
@testable import manhole_client

@Suite("Terminal text filter")
struct TerminalTextTests {
    @Test("C0 (but newline and tab), DEL, C1 and bidi controls become visible escapes; other text is kept")
    func visible() {
        #expect(TerminalText.visible("a\u{1B}[2Jb\u{07}\u{08}\r\0\u{01}\u{7F}") == #"a\e[2Jb\a\b\r\0\x01\x7f"#)
        #expect(TerminalText.visible("\u{80}\u{9B}\u{9D}\u{9F}") == #"\u{80}\u{9B}\u{9D}\u{9F}"#)
        #expect(
            TerminalText.visible("\u{61C}\u{200E}\u{200F}\u{202A}\u{202E}\u{2066}\u{2069}")
                == #"\u{61C}\u{200E}\u{200F}\u{202A}\u{202E}\u{2066}\u{2069}"#)
        #expect(TerminalText.visible("ID\tNAME\nrésumé ✓ 日本 \u{A0}\u{FFFD}\n") == "ID\tNAME\nrésumé ✓ 日本 \u{A0}\u{FFFD}\n")
    }

    @Test("JSON lines: controls become \\uXXXX, newlines between tokens are dropped")
    func json() {
        #expect(
            TerminalText.jsonLine("{\"a\":\n\t\"\u{1B}\u{9B}\u{202E}\t\n\\\"\u{7F}\"}\r\n")
                == "{\"a\":\t\"\\u001b\\u009b\\u202e\\u0009\\u000a\\\"\\u007f\"}")
    }

    @Test("Completion candidates from the server are shown and inserted without raw controls")
    func completionCandidates() {
        let transport = ScriptedTransport { _ in Frame(.ok, sequence: 1, payload: "app.x\u{1B}]52;c;eA==\u{07}\napp.y\u{9B}\n") }
        let session = Session(
            transport: transport, printer: ReplyPrinter(mode: .text, colorOutput: false, colorError: false, sink: RecordingSink()))
        guard case .list(let candidates) = session.completion(for: "inspect app.") else {
            Issue.record("expected a list")
            return
        }
        #expect(candidates == [#"app.x\e]52;c;eA==\a"#, #"app.y\u{9B}"#])
    }
}
