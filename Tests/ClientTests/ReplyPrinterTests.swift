import Foundation
import Testing
@testable import manhole_client

/// An output sink that keeps what was written.
final class RecordingSink: OutputSink {
    var out = ""
    var err = ""
    func output(_ text: String) { out += text }
    func error(_ text: String) { err += text }
}

@Suite("Reply printer")
struct ReplyPrinterTests {
    @Test("A text reply goes to stdout as the server sent it, with a final newline")
    func textReply() {
        let sink = RecordingSink()
        let printer = ReplyPrinter(mode: .text, colorOutput: false, colorError: false, sink: sink)
        printer.reply(to: "whoami", ok: true, payload: "admin (admin), session 1\n", isJSON: false)
        printer.reply(to: "x", ok: true, payload: "no newline", isJSON: false)
        #expect(sink.out == "admin (admin), session 1\nno newline\n")
        #expect(sink.err.isEmpty)
    }

    @Test("An error reply goes to stderr with the server's message")
    func errorReply() {
        let sink = RecordingSink()
        let printer = ReplyPrinter(mode: .text, colorOutput: false, colorError: false, sink: sink)
        printer.reply(to: "bogus", ok: false, payload: "unknown command 'bogus'\n", isJSON: false)
        #expect(sink.err == "error: unknown command 'bogus'\n")
        #expect(sink.out.isEmpty)
    }

    @Test("Colour only when asked: a red error label, a bold table heading")
    func colour() {
        let sink = RecordingSink()
        let printer = ReplyPrinter(mode: .text, colorOutput: true, colorError: true, sink: sink)
        printer.reply(to: "timers", ok: true, payload: "ID  NAME\n1   refresh\n", isJSON: false)
        printer.reply(to: "bogus", ok: false, payload: "nope\n", isJSON: false)
        #expect(sink.out == "\u{1B}[1mID  NAME\u{1B}[0m\n1   refresh\n")
        #expect(sink.err == "\u{1B}[31merror:\u{1B}[0m nope\n")
        let plain = RecordingSink()
        ReplyPrinter(mode: .text, colorOutput: false, colorError: false, sink: plain)
            .reply(to: "timers", ok: true, payload: "ID  NAME\n1   refresh\n", isJSON: false)
        #expect(!plain.out.contains("\u{1B}"))
    }

    @Test("A heading is a line of same-case words separated by two spaces; values are not headings")
    func headings() {
        #expect(ReplyPrinter.looksLikeHeading("ID  NAME  DUE IN"))
        #expect(ReplyPrinter.looksLikeHeading("id  user  role  last command"))
        #expect(!ReplyPrinter.looksLikeHeading("app: AppInfo (5 fields)"))
        #expect(!ReplyPrinter.looksLikeHeading("resident memory  35.7 MiB"))
        #expect(!ReplyPrinter.looksLikeHeading("  port: Int = 8080"))
    }

    @Test("--json lines embed the server's JSON, wrap text, and write null for nothing")
    func jsonLines() throws {
        #expect(
            ReplyPrinter.jsonLine(command: "whoami", ok: true, payload: "{\"user\":\"admin\"}", isJSON: true)
                == #"{"command":"whoami","ok":true,"reply":{"user":"admin"}}"#)
        #expect(
            ReplyPrinter.jsonLine(command: "x\"y", ok: false, payload: "bad input\n", isJSON: false)
                == #"{"command":"x\"y","ok":false,"reply":{"text":"bad input\n"}}"#)
        #expect(ReplyPrinter.jsonLine(command: "", ok: true, payload: "", isJSON: true) == #"{"command":"","ok":true,"reply":null}"#)
        let multiline = ReplyPrinter.jsonLine(command: "ls", ok: true, payload: "[\n  1,\n  2\n]\n", isJSON: true)
        #expect(!multiline.contains("\n"))
        #expect(try JSONSerialization.jsonObject(with: Data(multiline.utf8)) is [String: Any])
    }

    @Test("A payload that claims to be JSON but is not is wrapped as text, so every line stays valid JSON")
    func invalidJSONWrapped() throws {
        let line = ReplyPrinter.jsonLine(command: "ls", ok: true, payload: "{\"a\": [1, \u{1B}[31m}\n", isJSON: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect((object["reply"] as? [String: Any])?["text"] as? String == "{\"a\": [1, \u{1B}[31m}\n")
        #expect(!line.contains("\u{1B}"))
        #expect(ReplyPrinter.jsonLine(command: "n", ok: true, payload: "42\n", isJSON: true) == #"{"command":"n","ok":true,"reply":42}"#)
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func jsonStrings() {
        #expect(ReplyPrinter.jsonString("a\"b\\c\td\u{1}") == #""a\"b\\c\td\u0001""#)
    }
}
