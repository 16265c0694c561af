import ManholeSSH
import Testing

@Suite("Line editor bounds")
struct LineEditorBoundsTests {
    @Test("The line holds at most lineLimit bytes: more rings the bell (once per feed) and is dropped")
    func lineLimit() {
        var editor = TerminalLineEditor.started(lineLimit: 5)
        let typed = editor.type("abcd漢e")
        #expect(editor.line == "abcde")
        #expect(typed.output == "abcd\u{7}e")
        #expect(editor.type("f").output == "\u{7}")
        _ = editor.type("\u{7f}")
        #expect(editor.line == "abcd" && editor.type("é").output == "\u{7}", "é takes two bytes")
    }

    @Test("An escape sequence longer than 32 bytes is dropped whole, up to its final byte")
    func longEscape() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("\u{1b}[" + String(repeating: "1;", count: 40) + "Dx")
        #expect(editor.line == "x")
        _ = editor.type("\u{1b}[" + String(repeating: "9", count: 100) + "~y")
        #expect(editor.line == "xy")
        _ = editor.type("\u{1b}[D")
        #expect(editor.cursor == 1, "the next sequence decodes again")
    }

    @Test("Columns are clamped to 1...1000")
    func columnsClamped() {
        #expect(TerminalLineEditor(prompt: "", columns: 0).columns == 1)
        #expect(TerminalLineEditor(prompt: "", columns: -5).columns == 1)
        #expect(TerminalLineEditor(prompt: "", columns: 5_000).columns == 1_000)
        var narrow = TerminalLineEditor.started(columns: 1)
        _ = narrow.type("漢字ab\u{1}")
        #expect(narrow.line == "漢字ab" && narrow.cursor == 0)
    }

    @Test("Typeahead holds at most lineLimit bytes: more rings the bell once per feed")
    func typeaheadLimit() {
        var editor = TerminalLineEditor.started(lineLimit: 4)
        let typed = editor.type("x\rabcdefgh")
        #expect(typed.events == [.submit("x")])
        #expect(typed.output.hasSuffix("\r\n\u{7}"))
        let next = editor.startLine()
        #expect(editor.line == "abcd" && next.events.isEmpty)
    }

    @Test("A paste into the middle of a full-length line is redrawn once, not once per character")
    func pasteRedrawsOnce() {
        var editor = TerminalLineEditor.started(columns: 80)
        _ = editor.type(String(repeating: "a", count: 2_000) + "\u{1}")
        let paste = editor.type("\u{1b}[200~" + String(repeating: "b", count: 2_000) + "\u{1b}[201~")
        #expect(editor.line.count == 4_000)
        #expect(paste.output.utf8.count < 4_200, "one redraw of prompt and line, and the moves")
    }

    @Test("A character gathers at most 32 scalars: further combining marks ring the bell and are dropped")
    func combiningFlood() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("e" + String(repeating: "\u{301}", count: 2_047) + "x")
        #expect(editor.line == "e" + String(repeating: "\u{301}", count: 31) + "x" && editor.cursor == 2)
        #expect(typed.output.filter { $0 == "\u{7}" }.count == 1, "one bell for the whole flood")
    }
}
