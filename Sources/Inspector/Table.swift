import ManholeWire

/// Rows of text cells under column headings: the structured form of the entry listing and of
/// the results, timers and process views, with an aligned plain-text form for the shell.
public struct Table: Sendable, Hashable, Codable {
    /// The column headings; empty for a two-column key/value table printed without headings.
    public var columns: [String]
    /// The rows; each has one cell per column (key/value tables: two).
    public var rows: [[String]]
    /// A line printed after the rows, e.g. that only the first 100 of 2,000 are shown.
    public var note: String?

    /// Creates a table.
    public init(columns: [String], rows: [[String]], note: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.note = note
    }

    /// The table with columns aligned: cells left-aligned, two spaces between columns, no
    /// trailing spaces, headings on the first line; then the note. Lines end with `\n`. Cells
    /// are kept on one line and, like the note, have their terminal controls escaped (``Quoting``).
    public var plainText: String {
        var lines = columns.isEmpty ? rows : [columns] + rows
        lines = lines.map { $0.map { Quoting.oneLine($0.replacingNewlines()) } }
        let width = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: width)
        for line in lines {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var out = ""
        for line in lines {
            var text = ""
            for (column, cell) in line.enumerated() {
                text += cell
                if column < line.count - 1 { text += String(repeating: " ", count: widths[column] - cell.count + 2) }
            }
            while text.last == " " { text.removeLast() }
            out += text + "\n"
        }
        if let note { out += Quoting.oneLine(note.replacingNewlines()) + "\n" }
        return out
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains(where: \.isNewline) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}
