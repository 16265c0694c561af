import Foundation
import ManholeWire
import Testing
@testable import manhole_client

/// How the client prints a notice, and which lines start a follow.
@Suite("Notice printing")
struct NoticePrinterTests {
    @Test("A notice prints as 'notice: TEXT', cyan only with colour, its control characters made visible")
    func textNotice() {
        let sink = RecordingSink()
        ReplyPrinter(mode: .text, colorOutput: false, colorError: false, sink: sink)
            .notice(Frame(.notice, sequence: 0, format: .text, payload: "watch 1: timer 2 \"x\u{1B}[2J\" ran\n"))
        #expect(!sink.out.contains("\u{1B}") && sink.out.hasPrefix("notice: watch 1: timer 2 \"x") && sink.out.hasSuffix(" ran\n"))
        let coloured = RecordingSink()
        ReplyPrinter(mode: .text, colorOutput: true, colorError: false, sink: coloured)
            .notice(Frame(.notice, sequence: 0, format: .text, payload: "ran\n"))
        #expect(coloured.out == "\u{1B}[36mnotice:\u{1B}[0m ran\n")
    }

    @Test("With --json a notice is {\"notice\":true,\"payload\":…}: its JSON embedded, text as {\"text\":…}")
    func jsonNotice() throws {
        let sink = RecordingSink()
        let printer = ReplyPrinter(mode: .jsonLines, colorOutput: false, colorError: false, sink: sink)
        printer.notice(Frame(.notice, sequence: 0, format: .json, payload: "{\"watch\":3,\"runs\":1}\n"))
        printer.notice(Frame(.notice, sequence: 0, format: .text, payload: "notices dropped: 2\n"))
        #expect(sink.out == "{\"notice\":true,\"payload\":{\"watch\":3,\"runs\":1}}\n{\"notice\":true,\"payload\":{\"text\":\"notices dropped: 2\\n\"}}\n")
    }

    @Test("Only 'log … --follow' (also under @json) starts a follow")
    func followLines() {
        #expect(InputLine.isFollow("log --follow"))
        #expect(InputLine.isFollow("log --level error --follow"))
        #expect(InputLine.isFollow("@json log --follow"))
        #expect(!InputLine.isFollow("log --lines 5"))
        #expect(!InputLine.isFollow("inspect log --follow"))
    }
}
