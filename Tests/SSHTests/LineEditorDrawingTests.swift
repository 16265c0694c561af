import ManholeSSH
import Testing

@Suite("Line editor drawing")
struct LineEditorDrawingTests {
    @Test("The first prompt is written at the start of a row and cleared to its end")
    func firstPrompt() {
        var editor = TerminalLineEditor(prompt: "> ")
        #expect(editor.isSuspended)
        let start = editor.startLine()
        #expect(String(decoding: start.output, as: UTF8.self) == "\r> \u{1b}[K")
    }

    @Test("A control character in the prompt is written as a visible escape")
    func promptEscaped() {
        var editor = TerminalLineEditor(prompt: "\u{1b}[31m> ")
        let start = String(decoding: editor.startLine().output, as: UTF8.self)
        #expect(start == "\r\\u{1B}[31m> \u{1b}[K")
    }

    @Test("A redraw inside one row rewrites prompt and line, clears to the row's end, and moves back")
    func redrawInOneRow() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("abcd\u{2}\u{2}")
        let typed = editor.type("X")
        #expect(typed.output == "\r> abXcd\u{1b}[K\u{1b}[2D")
    }

    @Test("A character split across feeds is inserted once it is whole")
    func utf8AcrossFeeds() {
        var editor = TerminalLineEditor.started()
        let bytes = Array("é漢😀".utf8)
        var output = ""
        for byte in bytes { output += editor.type(bytes: [byte]).output }
        #expect(editor.line == "é漢😀" && editor.cursor == 3)
        #expect(output == "é漢😀")
    }

    @Test("Invalid UTF-8 is dropped without losing the keys after it")
    func invalidUTF8() {
        var editor = TerminalLineEditor.started()
        _ = editor.type(bytes: [0xE6, 0xBC, 0x61, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF5, 0x62])
        #expect(editor.line == "ab")
    }

    @Test("A combining mark joins the character before it, and the cursor steps over both")
    func combining() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("e\u{301}x\u{2}\u{2}")
        #expect(editor.line == "e\u{301}x" && editor.cursor == 0)
    }

    @Test("A line longer than the terminal wraps, and its redraw first goes up to the prompt's row")
    func longLineRedraw() {
        var editor = TerminalLineEditor.started(columns: 10)
        _ = editor.type(String(repeating: "a", count: 20))  // prompt + 20 = 22 columns: 3 rows
        let home = editor.type("\u{1}")
        #expect(home.output.hasPrefix("\u{1b}[2A\r\u{1b}[J> "), "from the third row up to the prompt's, clearing every row below")
        let typed = editor.type("b")
        #expect(typed.output.hasPrefix("\r\u{1b}[J> b"), "the cursor was on the prompt's row: no move up first")
        #expect(typed.output.hasSuffix("aaa\u{1b}[2A"), "back up from the end (row 2) to the cursor (row 0), same column")
    }

    @Test("A line that ends in the last column moves the cursor below, so rows are counted right")
    func exactWidth() {
        var editor = TerminalLineEditor.started(columns: 10)
        let typed = editor.type("12345678")
        #expect(typed.output == "12345678\r\n")
        let back = editor.type("\u{7f}")
        #expect(back.output == "\u{1b}[1A\r\u{1b}[J> 1234567", "up from the row below, and the row cleared")
    }

    @Test("East Asian wide characters count two columns and wrap whole")
    func wideCharacters() {
        var editor = TerminalLineEditor.started(columns: 7)
        _ = editor.type("漢字")  // "> " + 4 columns = 6
        _ = editor.type("x\u{2}")  // 7 columns: the line ends in the last one; the cursor before x
        let typed = editor.type("語")  // wide: now 9 columns, wrapped
        #expect(editor.line == "漢字語x")
        #expect(typed.output.hasPrefix("\r\u{1b}[J> 漢字語x"), "the cursor was on the prompt's row")
        // 漢字 fill columns 2-5, 語 does not fit in column 6 and starts the next row: the cursor
        // (before x) is at row 1, column 2, and x ends at column 3.
        #expect(typed.output.hasSuffix("語x\u{1b}[1D"))
    }

    @Test("A notice is printed above the line, with CRLF endings, and the line is redrawn below it")
    func printAbove() {
        var editor = TerminalLineEditor.started(columns: 10)
        _ = editor.type(String(repeating: "a", count: 12) + "\u{1}")
        let notice = String(decoding: editor.printAbove("one\ntwo"), as: UTF8.self)
        #expect(notice.hasPrefix("\r\u{1b}[Jone\r\ntwo\r\n\r\u{1b}[J> aaaaaaaa"))
        #expect(editor.line == String(repeating: "a", count: 12) && editor.cursor == 0)
        var wrapped = TerminalLineEditor.started(columns: 10)
        _ = wrapped.type(String(repeating: "a", count: 12))
        let below = String(decoding: wrapped.printAbove("n"), as: UTF8.self)
        #expect(below.hasPrefix("\u{1b}[1A\r\u{1b}[Jn\r\n"), "wipes from the prompt's row")
    }

    @Test("A window change redraws the line for the new width, from the row the cursor was on")
    func resize() {
        var editor = TerminalLineEditor.started(columns: 10)
        _ = editor.type(String(repeating: "a", count: 12))
        let redrawn = String(decoding: editor.resize(columns: 40), as: UTF8.self)
        #expect(redrawn == "\u{1b}[1A\r\u{1b}[J> aaaaaaaaaaaa")
        #expect(editor.columns == 40)
        #expect(editor.resize(columns: 40).isEmpty)
        _ = editor.resize(columns: 0)
        #expect(editor.columns == 1)
        _ = editor.resize(columns: 1_000_000)
        #expect(editor.columns == 1_000)
    }
}
