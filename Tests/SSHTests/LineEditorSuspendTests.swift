import ManholeSSH
import Testing

@Suite("Line editor while a command runs")
struct LineEditorSuspendTests {
    @Test("Keys typed while a command runs are kept, not echoed, and replayed after the next prompt")
    func typeahead() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("sleep\r")
        #expect(editor.isSuspended)
        let early = editor.type("get x\u{1b}[D")
        #expect(early.output.isEmpty && early.events.isEmpty && editor.line == "")
        let next = editor.startLine()
        #expect(String(decoding: next.output, as: UTF8.self).hasPrefix("\r> \u{1b}[Kget x"))
        #expect(editor.line == "get x" && editor.cursor == 4)
    }

    @Test("Several lines typed ahead run one by one: each submit suspends again and keeps the rest")
    func typedAheadLines() {
        var editor = TerminalLineEditor.started()
        let pasted = editor.type("one\rtwo\rthr")
        #expect(pasted.events == [.submit("one")])
        #expect(editor.startLine().events == [.submit("two")])
        #expect(editor.startLine().events.isEmpty)
        #expect(editor.line == "thr")
    }

    @Test("Ctrl-C while a command runs is an interrupt at once and drops the typeahead")
    func interruptWhileSuspended() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("sleep\r")
        let typed = editor.type("abc\u{3}de")
        #expect(typed.events == [.interrupt])
        #expect(typed.output == "^C\r\n")
        #expect(editor.isSuspended)
        _ = editor.startLine()
        #expect(editor.line == "de")
    }

    @Test("Before the first prompt the editor is suspended: early keys wait for it")
    func beforeFirstPrompt() {
        var editor = TerminalLineEditor(prompt: "$ ")
        #expect(editor.type("ab").output.isEmpty)
        _ = editor.startLine()
        #expect(editor.line == "ab")
    }

    @Test("A notice while a command runs is written as it is, with CRLF endings")
    func noticeWhileSuspended() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("sleep\r")
        #expect(String(decoding: editor.printAbove("done\n"), as: UTF8.self) == "done\r\n")
    }
}
