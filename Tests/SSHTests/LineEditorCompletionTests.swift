import ManholeSSH
import Testing

@Suite("Line editor completion")
struct LineEditorCompletionTests {
    @Test("Tab asks for a completion of the line at the cursor")
    func tabEvent() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("get app.po x\u{2}\u{2}\t")
        #expect(typed.events == [.complete("get app.po x", cursor: 10)])
        #expect(!typed.output.contains("\t"))
    }

    @Test("One candidate replaces the partial word; the command's name gets a space after it")
    func single() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("he\t")
        _ = editor.applyCompletion(["help"])
        #expect(editor.line == "help " && editor.cursor == 5)
        _ = editor.type("app.p\t")
        let output = String(decoding: editor.applyCompletion(["app.port"]), as: UTF8.self)
        #expect(editor.line == "help app.port")
        #expect(output.hasPrefix("\r> help app.port\u{1b}[K"))
    }

    @Test("Several candidates insert their common prefix, or are listed below the line when it adds nothing")
    func several() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("get app.p\t")
        _ = editor.applyCompletion(["app.port", "app.portal"])
        #expect(editor.line == "get app.port")
        _ = editor.type("\t")
        let listed = String(decoding: editor.applyCompletion(["app.port", "app.portal"]), as: UTF8.self)
        #expect(listed == "\r\nport    portal\r\n\r> get app.port\u{1b}[K")
        #expect(editor.line == "get app.port")
    }

    @Test("The common prefix stops at the first character a candidate differs in")
    func commonPrefix() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("get a\t")
        _ = editor.applyCompletion(["abcd", "abce", "abx"])
        #expect(editor.line == "get ab")
    }

    @Test("No candidate rings the bell; a late answer after the line changed does nothing")
    func noneAndLate() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("zz\t")
        #expect(editor.applyCompletion([]) == [0x07])
        _ = editor.type("he\t")
        _ = editor.type("x")
        #expect(editor.applyCompletion(["help"]).isEmpty)
        #expect(editor.line == "zzhex")
    }

    @Test("Control characters in candidates are shown escaped, never raw")
    func unsafeCandidates() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("get \t")
        let output = editor.applyCompletion(["x\u{1b}[2J", "y\u{7}"])
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains("x\\u{1B}[2J  y\\u{7}\r\n"), "listed, escaped")
        #expect(!output.contains(0x07) && output.filter { $0 == 0x1B }.count == 1, "only the redraw's ESC [ K")
    }
}
