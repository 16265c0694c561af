/// A cell of the screen, relative to the start of the prompt's row. `column == columns` is a
/// terminal's pending wrap: the last column was written, and the next character goes below.
struct CellPosition: Equatable, Sendable {
    var row = 0
    var column = 0

    /// Where the cursor is after a terminal draws a scalar `width` columns wide from here.
    mutating func advance(by width: Int, columns: Int) {
        guard width > 0 else { return }  // a combining mark joins the cell before
        if column + width > columns {
            row += 1  // a wide character that does not fit wraps whole, as terminals do
            column = 0
        }
        column += min(width, columns)
    }
}

/// Drawing: the screen holds the prompt and the line over `drawnRows` rows, with the terminal's
/// cursor `cursorRow` rows below the prompt's; a redraw goes up to the prompt's row, writes it
/// all again, leaves nothing of the old line and puts the cursor back.
extension TerminalLineEditor {
    /// Rewrites prompt and line and places the cursor. On one row: `CR`, prompt, line, clear to
    /// the row's end. Wrapped (now or before): up to the prompt's row and clear to the end of the
    /// screen first, since a wide character that does not fit at a row's end skips that cell,
    /// and writing over the old line would leave what the cell held.
    mutating func redraw() -> [UInt8] {
        needsRedraw = false
        var position = CellPosition()
        for scalar in prompt.unicodeScalars { position.advance(by: TerminalCellWidth.of(scalar), columns: columns) }
        var cursorCell: CellPosition?
        for (index, character) in buffer.characters.enumerated() {
            if index == buffer.cursor { cursorCell = cell(of: character, from: position) }
            for scalar in character.unicodeScalars { position.advance(by: TerminalCellWidth.of(scalar), columns: columns) }
        }
        // A line ending in the last column leaves the terminal's cursor there, waiting to wrap:
        // it is moved below for real, or it would be counted on the wrong row.
        let endsAtEdge = position.column >= columns
        let end = endsAtEdge ? CellPosition(row: position.row + 1, column: 0) : position
        let wrapped = drawnRows > 1 || end.row > 0

        var output: [UInt8] = []
        output.reserveCapacity(prompt.utf8.count + buffer.byteCount + 24)
        if cursorRow > 0 { output += Self.csi(cursorRow, "A") }
        output.append(0x0D)
        if wrapped { output += Self.csi(nil, "J") }
        output += Array(prompt.utf8)
        for character in buffer.characters { output += Array(character.utf8) }
        if endsAtEdge { output += Self.crlf }
        if !wrapped { output += Self.csi(nil, "K") }
        let target = cursorCell ?? end
        if end.row > target.row { output += Self.csi(end.row - target.row, "A") }
        if target.column < end.column {
            output += Self.csi(end.column - target.column, "D")
        } else if target.column > end.column {
            output += Self.csi(target.column - end.column, "C")
        }
        cursorRow = target.row
        drawnRows = end.row + 1
        endCell = end
        return output
    }

    /// Echoes a scalar just added at the end of the line, as the terminal would place it.
    mutating func echo(_ scalar: Unicode.Scalar, width: Int) -> [UInt8] {
        var output = Array(String(scalar).utf8)
        var end = endCell
        end.advance(by: width, columns: columns)
        if end.column >= columns {
            output += Self.crlf
            end = CellPosition(row: end.row + 1, column: 0)
        }
        endCell = end
        cursorRow = end.row
        drawnRows = max(drawnRows, end.row + 1)
        return output
    }

    /// Moves the terminal's cursor to the end of the drawn line (before a newline under it).
    mutating func moveToEnd() -> [UInt8] {
        var output: [UInt8] = []
        guard drawnRows > 0, !(buffer.cursorAtEnd && cursorRow == endCell.row) else { return output }
        if endCell.row > cursorRow { output += Self.csi(endCell.row - cursorRow, "B") }
        output.append(0x0D)
        if endCell.column > 0 { output += Self.csi(endCell.column, "C") }
        cursorRow = endCell.row
        return output
    }

    /// Wipes the drawn prompt and line (all its rows), leaving the cursor at the prompt's start.
    mutating func clearDrawn() -> [UInt8] {
        var output: [UInt8] = []
        if cursorRow > 0 { output += Self.csi(cursorRow, "A") }
        output.append(0x0D)
        output += Self.csi(nil, "J")
        cursorRow = 0
        drawnRows = 0
        return output
    }

    /// The cell where `character` starts when drawn from `position`: the next row's first when
    /// it does not fit in this one.
    private func cell(of character: Character, from position: CellPosition) -> CellPosition {
        let width = character.unicodeScalars.lazy.map(TerminalCellWidth.of).first { $0 > 0 } ?? 1
        if position.column + width > columns { return CellPosition(row: position.row + 1, column: 0) }
        return position
    }

    /// `ESC [ n final` (without n when `nil`).
    static func csi(_ count: Int?, _ final: Character) -> [UInt8] {
        [0x1B, 0x5B] + Array((count.map(String.init) ?? "").utf8) + Array(String(final).utf8)
    }
}
