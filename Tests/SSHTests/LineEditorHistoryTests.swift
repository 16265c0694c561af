import ManholeSSH
import Testing

@Suite("Line editor history")
struct LineEditorHistoryTests {
    @Test("Up and Ctrl-P step back through submitted lines, Down and Ctrl-N forward to the line being typed")
    func walk() {
        var editor = TerminalLineEditor.started()
        editor.submit("first")
        editor.submit("second")
        _ = editor.type("draft")
        _ = editor.type("\u{1b}[A")
        #expect(editor.line == "second" && editor.cursor == 6)
        _ = editor.type("\u{10}")
        #expect(editor.line == "first")
        #expect(editor.type("\u{1b}OA").output == "\u{7}", "the oldest line rings the bell")
        _ = editor.type("\u{1b}[B")
        #expect(editor.line == "second")
        _ = editor.type("\u{e}")
        #expect(editor.line == "draft", "the line being typed is the newest entry")
        #expect(editor.type("\u{1b}[B").output == "\u{7}")
    }

    @Test("Recalling a shorter line clears what is left of the longer one")
    func redrawClears() {
        var editor = TerminalLineEditor.started()
        editor.submit("ls")
        _ = editor.type("a much longer line")
        let up = editor.type("\u{1b}[A")
        #expect(up.output == "\r> ls\u{1b}[K")
    }

    @Test("Empty lines and repeats of the newest line are not added")
    func noEmptiesOrRepeats() {
        var editor = TerminalLineEditor.started()
        editor.submit("a")
        editor.submit("a")
        editor.submit("")
        _ = editor.type("\u{1b}[A")
        #expect(editor.line == "a")
        #expect(editor.type("\u{1b}[A").output == "\u{7}")
    }

    @Test("The history keeps at most its limit of lines, dropping the oldest")
    func limit() {
        var editor = TerminalLineEditor.started(historyLimit: 3)
        for index in 1...5 { editor.submit("line \(index)") }
        var seen: [String] = []
        for _ in 0..<5 {
            _ = editor.type("\u{10}")
            seen.append(editor.line)
        }
        #expect(seen == ["line 5", "line 4", "line 3", "line 3", "line 3"])
        var none = TerminalLineEditor.started(historyLimit: 0)
        none.submit("x")
        #expect(none.type("\u{10}").output == "\u{7}")
    }
}

extension TerminalLineEditor {
    /// Types `line` and Enter, then starts the next line as the session would after the reply.
    mutating func submit(_ line: String) {
        let typed = type(line + "\r")
        #expect(typed.events == [.submit(line)])
        _ = startLine()
    }
}
