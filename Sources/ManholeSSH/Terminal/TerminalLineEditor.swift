import ManholeWire

/// The line editor of an SSH session, on the server's side: OpenSSH's client sends raw
/// keystrokes when it has a pty, so the server edits the line as a small readline would (emacs
/// keys, history, Tab completion through the shell) and writes the echo and redraws back.
/// Transport-free: the SSH channel feeds it the bytes it reads and writes the bytes it returns.
///
/// Its cycle: ``startLine()`` writes the prompt; ``feed(_:)`` edits until Enter makes a
/// ``Event/submit(_:)``, after which the editor is suspended while the command runs (keys are
/// kept as typeahead; Ctrl-C is reported at once) until the next ``startLine()``, which replays
/// them. Output uses CRLF (the pty is raw on the server's side) and never holds a control
/// character the user typed: the line holds printable characters only.
///
/// Bounded against hostile input: the line and the typeahead hold at most `lineLimit` bytes
/// each (more rings the bell, once per feed, and is dropped), a character 32 scalars, the
/// history `historyLimit` lines, an escape sequence 32 bytes; every key costs at most time
/// proportional to the line's length, and a feed writes at most one redraw.
package struct TerminalLineEditor: Sendable {
    /// What the keys did that the session must act on.
    package enum Event: Equatable, Sendable {
        /// Enter (CR, LF or CRLF): the line to run. It went to the history, and the editor is
        /// suspended until ``startLine()``.
        case submit(String)
        /// Tab: the line and the cursor (in characters) to complete; answer with
        /// ``applyCompletion(_:)``.
        case complete(String, cursor: Int)
        /// Ctrl-C: while editing, the line was dropped (the output shows `^C` and a fresh
        /// prompt); while suspended, the running command should be interrupted (typeahead dropped).
        case interrupt
        /// Ctrl-D on an empty line: the user is done. The editor is suspended.
        case endOfInput
    }

    /// What the editor writes before the line.
    package let prompt: String
    /// The terminal's width, in columns (1...1000).
    package private(set) var columns: Int
    /// The line being edited.
    package var line: String { buffer.text }
    /// The cursor, in characters from the start of the line.
    package var cursor: Int { buffer.cursor }
    /// Whether a submitted line is being run: keys are kept until ``startLine()``. True from
    /// the start, until the first prompt.
    package internal(set) var isSuspended = true

    var buffer: EditBuffer
    var history: LineHistory
    /// The history entry shown, `nil` for the line being typed (kept in `draft` meanwhile).
    var historyPosition: Int?
    var draft = ""
    var decoder = TerminalKeyDecoder()
    /// Between the bracketed-paste markers: keys are text, and Enter submits.
    var inPaste = false
    var typeahead: [UInt8] = []
    let typeaheadLimit: Int
    /// The line before the cursor when Tab was pressed: a completion answer applies only if the
    /// line has not changed since.
    var pendingCompletion: String?
    /// Where the terminal's cursor is, in rows below the prompt's row.
    var cursorRow = 0
    /// How many rows prompt and line take on the screen (0 when nothing is drawn).
    var drawnRows = 0
    /// Where the drawn line ends: the next echoed character goes there.
    var endCell = CellPosition()
    /// The line changed since it was drawn: the feed ends with a redraw.
    var needsRedraw = false
    /// The bell rang in this feed.
    var rang = false

    /// - Parameters:
    ///   - prompt: Text written before each line; a control character in it is written as a
    ///     visible escape (``Quoting/oneLine(_:)``), so its width can be counted.
    ///   - columns: The terminal's width from the pty request, clamped to 1...1000.
    ///   - historyLimit: The most lines the history keeps.
    ///   - lineLimit: The most bytes a line (and the typeahead) may hold.
    package init(prompt: String, columns: Int = 80, historyLimit: Int = 500, lineLimit: Int = 4_096) {
        self.prompt = Quoting.oneLine(prompt)
        self.columns = Self.clamp(columns)
        self.history = LineHistory(limit: historyLimit)
        self.buffer = EditBuffer(byteLimit: max(0, lineLimit))
        self.typeaheadLimit = max(0, lineLimit)
    }

    /// Feeds bytes read from the terminal.
    /// - Returns: What to write back (echo, redraws), and the events the keys made, in order.
    package mutating func feed(_ bytes: [UInt8]) -> (output: [UInt8], events: [Event]) {
        var output: [UInt8] = []
        var events: [Event] = []
        var index = 0
        rang = false
        while index < bytes.count {
            if isSuspended {
                keepTypeahead(bytes[index...], output: &output, events: &events)
                break
            }
            let byte = bytes[index]
            index += 1
            if let key = decoder.next(byte) { handle(key, output: &output, events: &events) }
        }
        output += flush()
        return (output, events)
    }

    /// Writes the prompt for a new line (the first one, or after a command's reply) and replays
    /// the keys typed meanwhile. A line being edited is dropped.
    /// - Returns: The prompt and the replay's output, and the replay's events (a typed-ahead
    ///   Enter suspends the editor again, keeping the rest).
    package mutating func startLine() -> (output: [UInt8], events: [Event]) {
        isSuspended = false
        buffer.clear()
        historyPosition = nil
        pendingCompletion = nil
        cursorRow = 0
        drawnRows = 0
        let prompt = redraw()
        let replay = typeahead
        typeahead = []
        let result = feed(replay)
        return (prompt + result.output, result.events)
    }

    /// Applies the completion answer for the last ``Event/complete(_:cursor:)`` to the word
    /// before the cursor (after its last space), as manhole-client does: one candidate replaces
    /// it (followed by a space when it is the command's name); several are narrowed to their
    /// longest common prefix, or listed below the line when that adds nothing, and the line is
    /// redrawn. No candidate rings the bell.
    /// - Returns: What to write; nothing if the line changed since the Tab (a late answer).
    package mutating func applyCompletion(_ candidates: [String]) -> [UInt8] {
        let before = String(buffer.characters[..<buffer.cursor])
        guard !isSuspended, let asked = pendingCompletion, asked == before else { return [] }
        pendingCompletion = nil
        // Shown in lists and inserted into the line: nothing a terminal would act on.
        let shown = candidates.map { Quoting.oneLine($0) }.filter { !$0.isEmpty }
        switch CompletionPlan.plan(lineBeforeCursor: before, candidates: shown) {
        case .none:
            return Self.bell
        case .replace(let partial, let inserting):
            buffer.deleteBackward(count: partial.count)
            let fits = buffer.insert(contentsOf: inserting)
            return redraw() + (fits ? [] : Self.bell)
        case .list(let names):
            var output = moveToEnd()
            output += Self.crlf
            output += Self.terminalLines(CompletionPlan.columns(CompletionPlan.displayNames(names), width: columns) {
                $0.unicodeScalars.reduce(0) { $0 + TerminalCellWidth.of($1) }
            })
            cursorRow = 0
            drawnRows = 0
            return output + redraw()
        }
    }

    /// Prints `text` (already terminal-safe; it may hold several lines) above the line being
    /// edited and redraws prompt, line and cursor below it: how notices appear. While suspended
    /// there is no line: the text is just written.
    package mutating func printAbove(_ text: String) -> [UInt8] {
        let lines = Self.terminalLines(text)
        guard !isSuspended else { return lines }
        var output = clearDrawn()
        output += lines
        return output + redraw()
    }

    /// Takes the terminal's new width (an SSH window-change) and redraws the line for it,
    /// going up first as many rows as the line took at the old width: right for a terminal that
    /// does not reflow (xterm); one that reflows a wrapped line may keep a piece of it above.
    package mutating func resize(columns: Int) -> [UInt8] {
        let clamped = Self.clamp(columns)
        guard clamped != self.columns else { return [] }
        self.columns = clamped
        return isSuspended ? [] : redraw()
    }

    /// Keeps bytes typed while suspended, but for Ctrl-C, which interrupts at once and drops
    /// the typeahead (as a terminal flushes its input on an interrupt).
    private mutating func keepTypeahead(_ bytes: ArraySlice<UInt8>, output: inout [UInt8], events: inout [Event]) {
        for byte in bytes {
            if byte == 0x03 {
                typeahead.removeAll()
                inPaste = false
                events.append(.interrupt)
                output += Array("^C\r\n".utf8)
            } else if typeahead.count < typeaheadLimit {
                typeahead.append(byte)
            } else if !rang {
                rang = true
                output += Self.bell
            }
        }
    }

    private static func clamp(_ columns: Int) -> Int { min(max(columns, 1), 1_000) }

    /// `text` with its line ends as a raw terminal needs them (CRLF), ending with one.
    static func terminalLines(_ text: String) -> [UInt8] {
        guard !text.isEmpty else { return [] }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A && previous != 0x0D { output.append(0x0D) }
            output.append(byte)
            previous = byte
        }
        if previous != 0x0A { output += crlf }
        return output
    }

    static let bell: [UInt8] = [0x07]
    static let crlf: [UInt8] = [0x0D, 0x0A]
}
