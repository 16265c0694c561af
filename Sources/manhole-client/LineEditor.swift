import CLibEdit
import ManholeWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive prompt on libedit: line editing (emacs keys), history that the arrow keys
/// walk and that is kept in a file (bounded, mode 0600), Tab completion through a completer,
/// Ctrl-C that clears the line, Ctrl-D on an empty line that ends input.
///
/// Single-threaded: the client's main thread creates it and calls ``readLine()``; libedit calls
/// the completer back on that thread, from inside ``readLine()``.
final class LineEditor {
    /// The most lines the history keeps (in memory and in its file).
    static let historySize: Int32 = 1_000

    /// Works out what Tab does for the text before the cursor.
    var completer: (String) -> Completion = { _ in .none }
    /// Writes the candidate list when Tab finds several.
    var listWriter: (String) -> Void = { _ in }
    /// The socket to watch while waiting for keys (-1: none).
    var socketDescriptor: Int32 = -1
    /// The notices that arrived since the last look; `nil` when the connection is lost (the
    /// prompt then ends as at the end of input).
    var arrivals: () -> [Frame]? = { [] }
    /// Prints one notice (above the prompt; the cursor is at column 0 of a cleared line).
    var noticePrinter: (Frame) -> Void = { _ in }

    /// libedit's editor (the input functions in LineEditor+Input.swift use it).
    let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private let historyPath: String?
    private var prompt: UnsafeMutablePointer<CChar>
    /// The columns the prompt takes on screen (its escapes, between `\u{1}`s, take none).
    let promptColumns: Int

    /// Opens the editor on the process's terminal.
    /// - Parameters:
    ///   - program: The name libedit reads settings under (`~/.editrc`).
    ///   - prompt: The prompt; ANSI escapes in it must be wrapped in `\u{1}` characters.
    ///   - historyPath: The history file; `nil` keeps history in memory only.
    init(program: String, prompt: String, historyPath: String?) {
        editLine = el_init(program, manhole_stdin(), manhole_stdout(), manhole_stderr())
        history = history_init()
        self.historyPath = historyPath
        self.prompt = strdup(prompt)
        self.promptColumns = Terminal.columns(prompt.split(separator: "\u{1}", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset.isMultiple(of: 2) }.map(\.element).joined())
        manhole_history_setsize(history, &event, Self.historySize)
        manhole_history_setunique(history, &event, 1)
        if let historyPath { manhole_history_load(history, &event, historyPath) }

        manhole_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        manhole_el_set_editor(editLine, "emacs")
        manhole_el_set_prompt(editLine, { editLine in
            guard let editLine, let editor = LineEditor.owner(of: editLine) else { return nil }
            return editor.prompt
        }, 1)
        manhole_el_set_history(editLine, history)
        // Restore the terminal if a signal (SIGTERM, SIGHUP…) arrives mid-edit.
        manhole_el_set_signal(editLine, 1)
        // Ctrl-C is a key while editing (not SIGINT): it clears the line for a fresh prompt.
        manhole_el_setty_edit(editLine, "-isig")
        manhole_el_add_function(editLine, "manhole-interrupt", "Clear the line and start again", { editLine, _ in
            guard let editLine, let editor = LineEditor.owner(of: editLine) else { return UInt8(CC_ERROR) }
            return editor.interrupt()
        })
        manhole_el_bind(editLine, "^C", "manhole-interrupt")
        manhole_el_add_function(editLine, "manhole-complete", "Complete with the server's candidates", { editLine, _ in
            guard let editLine, let editor = LineEditor.owner(of: editLine) else { return UInt8(CC_ERROR) }
            return editor.complete()
        })
        manhole_el_bind(editLine, "^I", "manhole-complete")
        // Characters come through ``readCharacter(into:)``, which also watches the socket.
        manhole_el_set_getcfn(editLine, { editLine, character in
            guard let editLine, let character, let editor = LineEditor.owner(of: editLine) else { return -1 }
            return editor.readCharacter(into: character)
        })
        // The user's ~/.editrc last, so that its bindings win over the defaults above.
        el_source(editLine, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
    }

    /// Reads one line with editing. Returns it without its newline (and records it in the
    /// history if not blank), or `nil` at the end of input (Ctrl-D on an empty line).
    func readLine() -> String? {
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count), count > 0 else { return nil }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        if !line.trimmingWhitespace.isEmpty { remember(line) }
        return line
    }

    private func remember(_ line: String) {
        manhole_history_enter(history, &event, line)
        guard let historyPath else { return }
        // Create it private before libedit writes to it, and keep it private.
        let descriptor = open(historyPath, O_WRONLY | O_CREAT, 0o600)
        if descriptor >= 0 { close(descriptor) }
        manhole_history_save(history, &event, historyPath)
        chmod(historyPath, 0o600)
    }

    static func owner(of editLine: OpaquePointer) -> LineEditor? {
        guard let data = manhole_el_get_clientdata(editLine) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// The positions of the cursor and the line's end, in characters from its start.
    private var positions: (cursor: Int, end: Int) {
        guard let info = el_wline(editLine)?.pointee else { return (0, 0) }
        return (info.cursor - info.buffer, info.lastchar - info.buffer)
    }

    private func interrupt() -> UInt8 {
        let (cursor, end) = positions
        if end > cursor { el_cursor(editLine, Int32(end - cursor)) }
        if end > 0 { el_deletestr(editLine, Int32(end)) }
        listWriter("^C\n")
        return UInt8(CC_REDISPLAY)
    }

    private func complete() -> UInt8 {
        guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let before = UnsafeBufferPointer(
            start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self), count: info.cursor - info.buffer)
        switch completer(String(decoding: before, as: UTF8.self)) {
        case .none:
            return UInt8(CC_ERROR)
        case .replace(let deleting, let inserting):
            if deleting > 0 { el_deletestr(editLine, Int32(deleting)) }
            guard el_insertstr(editLine, inserting) == 0 else { return UInt8(CC_ERROR) }
            return UInt8(CC_REFRESH)
        case .list(let candidates):
            listWriter("\n" + CompletionPlan.columns(CompletionPlan.displayNames(candidates), width: Terminal.width()))
            return UInt8(CC_REDISPLAY)
        case .connectionLost:
            listWriter("\n")
            return UInt8(CC_EOF)
        }
    }
}
