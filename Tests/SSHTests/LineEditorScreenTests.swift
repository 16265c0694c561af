import ManholeSSH
import Testing

/// The editor's output replayed on a small model of a terminal (xterm's wrapping: a pending
/// wrap after the last column, a wide character that does not fit moves whole to the next row),
/// after each of many seeded random edits: the screen must show exactly prompt and line, with
/// no piece of an old line left over, and the cursor on the right cell.
@Suite("Line editor on a model terminal")
struct LineEditorScreenTests {
    @Test("After random edits on narrow terminals the screen shows exactly the prompt and the line, cursor in place")
    func randomEdits() {
        var random = SplitMix(seed: 20)
        let keys = ["a", "b", " ", "漢", "é", "😀", "\u{301}", "\u{7f}", "\u{1b}[3~", "\u{1b}[D", "\u{1b}[C", "\u{1}", "\u{5}",
                    "\u{15}", "\u{b}", "\u{17}", "\u{1b}[A", "\u{1b}[B"]
        for round in 0..<60 {
            let columns = [3, 5, 7, 10, 13][round % 5]
            var editor = TerminalLineEditor(prompt: "> ", columns: columns)
            var screen = ModelTerminal(columns: columns)
            screen.write(editor.startLine().output)
            for line in ["first line of history", "漢字漢字漢字漢字"] {
                screen.write(editor.feed(Array((line + "\r").utf8)).output)
                screen.write(editor.startLine().output)
            }
            let promptRow = screen.row
            for step in 0..<120 {
                if random.next(100) < 3 {
                    let width = [3, 4, 6, 9, 11][random.next(5)]
                    screen.resize(columns: width)
                    screen.write(editor.resize(columns: width))
                } else {
                    var typed = ""
                    for _ in 0...random.next(3) { typed += keys[random.next(keys.count)] }
                    screen.write(editor.feed(Array(typed.utf8)).output)
                }
                let shown = screen.text(from: promptRow)
                #expect(shown == "> " + editor.line, "round \(round) step \(step)")
                let cursorCells = 2 + editor.line.prefix(editor.cursor).unicodeScalars.filter { $0 != "\u{301}" }.count
                #expect(screen.cellsBeforeCursor(from: promptRow) == cursorCells, "round \(round) step \(step)")
                if shown != "> " + editor.line { return }
            }
        }
    }
}

/// A terminal reduced to what the editor uses: printing with autowrap, CR, LF, and
/// `ESC [ n A/B/C/D`, `ESC [ K`, `ESC [ J`, `ESC [ H`, `ESC [ 2 J`. Rows grow without scrolling.
struct ModelTerminal {
    /// A cell: the characters drawn there, or the right half of a wide one.
    enum Cell: Equatable { case empty, text(String), rightHalf }

    private(set) var row = 0
    private var column = 0
    private var pendingWrap = false
    private var columns: Int
    private var rows: [[Cell]] = []
    private var bytes: [UInt8] = []

    init(columns: Int) { self.columns = columns }

    mutating func resize(columns: Int) {
        self.columns = columns
        rows = rows.map { Array($0.prefix(columns)) }
        column = min(column, columns - 1)
        pendingWrap = false
    }

    mutating func write(_ output: [UInt8]) {
        var index = 0
        while index < output.count {
            let byte = output[index]
            if byte == 0x1B {
                var end = index + 2
                while !(0x40...0x7E).contains(output[end]) { end += 1 }
                control(parameters: String(decoding: output[(index + 2)..<end], as: UTF8.self), final: output[end])
                index = end + 1
                continue
            }
            var length = 1
            if byte >= 0xF0 { length = 4 } else if byte >= 0xE0 { length = 3 } else if byte >= 0xC0 { length = 2 }
            let scalar = String(decoding: output[index..<(index + length)], as: UTF8.self).unicodeScalars.first!
            index += length
            switch byte {
            case 0x0D: column = 0; pendingWrap = false
            case 0x0A: row += 1; pendingWrap = false
            case 0x07: break
            default: put(scalar)
            }
        }
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        let width = scalar == "\u{301}" ? 0 : (scalar.value >= 0x1100 && scalar != "é" ? 2 : 1)
        if width == 0 {
            var at = pendingWrap ? column : max(column - 1, 0)
            if cell(row, at) == .rightHalf { at -= 1 }
            if case .text(let text) = cell(row, at) { set(row, at, .text(text + String(scalar))) }
            return
        }
        if pendingWrap || column + width > columns {
            row += 1
            column = 0
        }
        pendingWrap = false
        set(row, column, .text(String(scalar)))
        if width == 2 && column + 1 < columns { set(row, column + 1, .rightHalf) }
        column += width
        if column >= columns {
            column = columns - 1
            pendingWrap = true
        }
    }

    private mutating func control(parameters: String, final: UInt8) {
        let count = Int(parameters) ?? 1
        pendingWrap = false
        switch final {
        case UInt8(ascii: "A"): row = max(0, row - count)
        case UInt8(ascii: "B"): row += count
        case UInt8(ascii: "C"): column = min(columns - 1, column + count)
        case UInt8(ascii: "D"): column = max(0, column - count)
        case UInt8(ascii: "H"): row = 0; column = 0
        case UInt8(ascii: "K"): for at in column..<columns { set(row, at, .empty) }
        case UInt8(ascii: "J") where parameters == "2": rows = []
        case UInt8(ascii: "J"):
            for at in column..<columns { set(row, at, .empty) }
            if rows.count > row + 1 { rows.removeSubrange((row + 1)...) }
        default: Issue.record("unexpected sequence \(parameters) \(final)")
        }
    }

    private func cell(_ row: Int, _ column: Int) -> Cell {
        row < rows.count && column < rows[row].count ? rows[row][column] : .empty
    }

    private mutating func set(_ row: Int, _ column: Int, _ cell: Cell) {
        while rows.count <= row { rows.append([]) }
        while rows[row].count <= column { rows[row].append(.empty) }
        rows[row][column] = cell
    }

    /// The text on the screen from the start of `row` down, cells in reading order.
    func text(from row: Int) -> String {
        var text = ""
        for line in rows.dropFirst(row) {
            for case .text(let piece) in line { text += piece }
        }
        return text
    }

    /// How many cells holding a character come before the cursor, from the start of `row`.
    func cellsBeforeCursor(from start: Int) -> Int {
        var count = 0
        for at in start..<max(start, self.row + 1) {
            let limit = at == self.row ? column : columns
            for index in 0..<limit { if case .text = cell(at, index) { count += 1 } }
        }
        return count
    }
}

/// A seeded generator, so that a failure repeats.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((mixed ^ (mixed >> 31)) % UInt64(bound))
    }
}
