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
/// all again, clears what is left of the old line and puts the cursor back.
extension TerminalLineEditor {
    /// Rewrites prompt and line, clears the rest of the old one, and places the cursor.
    mutating func redraw() -> [UInt8] {
        needsRedraw = false
        var output: [UInt8] = []
        let wasWrapped = drawnRows > 1
        if cursorRow > 0 { output += Self.csi(cursorRow, "A") }
        output.append(0x0D)
        output += Array(prompt.utf8)
        var position = CellPosition()
        for scalar in prompt.unicodeScalars { position.advance(by: TerminalCellWidth.of(scalar), columns: columns) }
        var cursorCell: CellPosition?
        for (index, character) in buffer.characters.enumerated() {
            if index == buffer.cursor { cursorCell = cell(of: character, from: position) }
            output += Array(character.utf8)
            for scalar in character.unicodeScalars { position.advance(by: TerminalCellWidth.of(scalar), columns: columns) }
        }
        var end = position
        if end.column >= columns {
            // The line ends in the last column: the terminal's cursor waits there to wrap, so
            // move it below for real, or it would be counted on the wrong row.
            output += Self.crlf
            end = CellPosition(row: end.row + 1, column: 0)
        }
        // One row: clear to its end; wrapped (now or before): clear to the end of the screen.
        output += (wasWrapped || end.row > 0) ? Self.csi(nil, "J") : Self.csi(nil, "K")
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
