import ManholeSSH
import Testing

@Suite("Line editor keys")
struct LineEditorKeysTests {
    @Test("A typed character is inserted at the cursor and echoed alone at the end of the line")
    func typingEchoes() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("a")
        #expect(typed.output == "a")
        #expect(editor.line == "a" && editor.cursor == 1)
        _ = editor.type("bc\u{2}\u{2}X")
        #expect(editor.line == "aXbc" && editor.cursor == 2)
    }

    @Test("CR, LF and CRLF each submit the line once, and the output ends it with CRLF")
    func enterForms() {
        for ending in ["\r", "\n", "\r\n"] {
            var editor = TerminalLineEditor.started()
            let typed = editor.type("help" + ending)
            #expect(typed.events == [.submit("help")], "ending \(ending.debugDescription)")
            #expect(typed.output.hasSuffix("\r\n"))
            let next = editor.startLine()
            #expect(next.events.isEmpty)
            #expect(editor.type("x\n").events == [.submit("x")], "the next Enter is a new line")
        }
    }

    @Test("Backspace (DEL and Ctrl-H) deletes left of the cursor; Delete and Ctrl-D delete under it")
    func deleting() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("abcd\u{7f}")
        #expect(editor.line == "abc")
        _ = editor.type("\u{8}")
        #expect(editor.line == "ab")
        _ = editor.type("\u{1}\u{1b}[3~")
        #expect(editor.line == "b" && editor.cursor == 0)
        let controlD = editor.type("\u{4}")
        #expect(editor.line == "" && controlD.events.isEmpty, "Ctrl-D on a non-empty line deletes")
    }

    @Test("Every form of Left, Right, Home and End moves the cursor")
    func movement() {
        let moves: [(keys: String, cursor: Int)] = [
            ("\u{1b}[D", 2), ("\u{1b}OD", 2), ("\u{2}", 2),
            ("\u{1b}[H", 0), ("\u{1b}[1~", 0), ("\u{1b}OH", 0), ("\u{1b}[7~", 0), ("\u{1}", 0),
        ]
        for move in moves {
            var editor = TerminalLineEditor.started()
            _ = editor.type("abc" + move.keys)
            #expect(editor.cursor == move.cursor, "\(move.keys.debugDescription)")
        }
        let ends: [String] = ["\u{1b}[C\u{1b}[C\u{1b}[C", "\u{1b}OC\u{1b}OC\u{1b}OC", "\u{6}\u{6}\u{6}", "\u{1b}[F", "\u{1b}[4~", "\u{1b}OF", "\u{1b}[8~", "\u{5}"]
        for keys in ends {
            var editor = TerminalLineEditor.started()
            _ = editor.type("abc\u{1}" + keys)
            #expect(editor.cursor == 3, "\(keys.debugDescription)")
        }
        var editor = TerminalLineEditor.started()
        _ = editor.type("ab\u{6}\u{6}")
        #expect(editor.cursor == 2, "Right stops at the end")
    }

    @Test("Ctrl-U kills to the start, Ctrl-K to the end, Ctrl-W the word left of the cursor")
    func killing() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("get app.port\u{2}\u{2}\u{15}")
        #expect(editor.line == "rt" && editor.cursor == 0)
        _ = editor.type("\u{6}\u{b}")
        #expect(editor.line == "r")
        var words = TerminalLineEditor.started()
        _ = words.type("get app.port  \u{17}")
        #expect(words.line == "get ")
        _ = words.type("\u{17}\u{17}")
        #expect(words.line == "" && words.cursor == 0)
    }

    @Test("Ctrl-L clears the screen and redraws prompt and line at its top")
    func clearScreen() {
        var editor = TerminalLineEditor.started()
        _ = editor.type("abc")
        let cleared = editor.type("\u{c}")
        #expect(cleared.output.hasPrefix("\u{1b}[H\u{1b}[2J\r> abc"))
        #expect(editor.line == "abc")
    }

    @Test("Ctrl-C drops the line, shows ^C and a fresh prompt, and reports an interrupt")
    func interrupt() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("abc\u{3}")
        #expect(typed.events == [.interrupt])
        #expect(typed.output.hasSuffix("^C\r\n\r> \u{1b}[K"))
        #expect(editor.line == "" && !editor.isSuspended)
        #expect(editor.type("\u{1b}[A").output.contains("abc") == false, "an interrupted line is not history")
    }

    @Test("Ctrl-D on an empty line ends the input and suspends the editor")
    func endOfInput() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("\u{4}")
        #expect(typed.events == [.endOfInput])
        #expect(editor.isSuspended)
    }

    @Test("Unknown escape sequences, lone ESC and other control bytes never reach the line")
    func swallowed() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("a\u{1b}[1;5C\u{1b}[15~\u{1b}[?25h\u{1b}OP\u{1b}b\u{0}\u{7}\u{1f}\u{1b}\u{1b}[D" + "b")
        #expect(editor.line == "ba")
        #expect(!typed.output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\r" && $0 != "\u{1b}" })
        let c1 = editor.type(bytes: [0xC2, 0x9B] + Array("\u{202e}\u{200f}\u{85}".utf8))
        #expect(editor.line == "ba" && c1.output.isEmpty, "C1 and bidi controls typed as UTF-8 are dropped")
    }

    @Test("CRLF split across feeds is one Enter")
    func splitCRLF() {
        var editor = TerminalLineEditor.started()
        #expect(editor.type("a\r").events == [.submit("a")])
        #expect(editor.type("\n").events.isEmpty)
        #expect(editor.startLine().events.isEmpty)
    }

    @Test("Ctrl-C in a paste whose end marker was lost interrupts and ends the paste")
    func interruptEndsPaste() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("\u{1b}[200~abc\u{3}xy\u{15}")
        #expect(typed.events == [.interrupt])
        #expect(editor.line == "", "Ctrl-U edits again")
    }

    @Test("A lone ESC followed by a control key lets the key through")
    func escapeThenKey() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("ab\u{1b}\r")
        #expect(typed.events == [.submit("ab")])
    }

    @Test("Bracketed paste markers are swallowed; a pasted CR submits and pasted keys do not edit")
    func bracketedPaste() {
        var editor = TerminalLineEditor.started()
        let typed = editor.type("\u{1b}[200~get\tx\u{15}\u{1b}[D\r")
        #expect(typed.events == [.submit("get x")])
        let next = editor.startLine()
        #expect(next.events.isEmpty)
        _ = editor.type("y\u{1b}[201~\u{15}")
        #expect(editor.line == "", "after the paste Ctrl-U edits again")
    }
}

extension TerminalLineEditor {
    /// An editor with prompt `> ` that has drawn its first prompt.
    static func started(columns: Int = 80, historyLimit: Int = 500, lineLimit: Int = 4_096) -> TerminalLineEditor {
        var editor = TerminalLineEditor(prompt: "> ", columns: columns, historyLimit: historyLimit, lineLimit: lineLimit)
        _ = editor.startLine()
        return editor
    }

    /// Feeds `keys` as UTF-8 (or `bytes`), with the output decoded for comparison.
    mutating func type(_ keys: String) -> (output: String, events: [Event]) {
        type(bytes: Array(keys.utf8))
    }

    /// Feeds raw bytes, with the output decoded for comparison.
    mutating func type(bytes: [UInt8]) -> (output: String, events: [Event]) {
        let result = feed(bytes)
        return (String(decoding: result.output, as: UTF8.self), result.events)
    }
}
