import ManholeWire
import Inspector

/// What every operator view is made of, so that every view prints and encodes alike: either rows
/// under columns (`results`, `timers`, `sessions`, `ls`, `help`), or one record of labelled
/// fields (`stats`, `reactor`, `result ID`).
///
/// Text: cells left-aligned in columns two spaces apart, headings in capitals on the first line
/// (records have none), no trailing spaces, then the note. JSON: rows are
/// `{"columns": [key…], "rows": [{key: value…}…], "note": text or null}`; a record is one
/// object `{key: value…}`. A cell's text and its JSON value come from what it holds (``Cell``),
/// so a duration is `3m 12s` on the terminal and a number of seconds in JSON, everywhere.
package struct Table: Sendable, Hashable {
    /// Rows under columns, or one record.
    package enum Content: Sendable, Hashable {
        /// Rows, each with one cell per column.
        case rows(columns: [Column], rows: [[Cell]])
        /// One record: a field per line, label then value.
        case record([Field])
    }

    /// The rows or the record.
    package var content: Content
    /// A line printed after the rows, e.g. that only the first 100 of 2,000 are shown.
    package var note: String?

    /// Rows under columns.
    package init(columns: [Column], rows: [[Cell]], note: String? = nil) {
        self.content = .rows(columns: columns, rows: rows)
        self.note = note
    }

    /// One record of labelled fields.
    package init(fields: [Field], note: String? = nil) {
        self.content = .record(fields)
        self.note = note
    }

    /// The rows (a record: none).
    package var rows: [[Cell]] {
        if case .rows(_, let rows) = content { rows } else { [] }
    }

    /// The cells' text by row, as the terminal shows them (a record: label and value per field).
    package var textRows: [[String]] {
        switch content {
        case .rows(let columns, let rows):
            rows.map { row in zip(columns, row).filter { $0.0.isShownInText }.map { $0.1.text } }
        case .record(let fields): fields.map { [$0.label, $0.value.text] }
        }
    }

    /// The table with columns aligned: cells left-aligned, two spaces between columns, no trailing
    /// spaces, headings on the first line; then the note. Lines end with `\n`. Cells are kept on
    /// one line and, like the note, have their terminal controls escaped (``Quoting``).
    package var plainText: String {
        var lines = textRows
        if case .rows(let columns, _) = content { lines.insert(columns.filter(\.isShownInText).map(\.heading), at: 0) }
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

extension Table {
    /// A column: the key its cells have in JSON and the heading the terminal shows.
    package struct Column: Sendable, Hashable {
        /// The JSON key: lower camel case, ending in `Seconds` for durations and `Bytes` for sizes.
        package var key: String
        /// The heading, in capitals.
        package var heading: String
        /// Whether the terminal shows it; a column only for programs (`help`'s command name, which
        /// its usage already shows) is in the JSON alone.
        package var isShownInText: Bool

        /// A column keyed `key`, headed `heading` (by default the key in capitals, words apart:
        /// `callSite` is headed `CALL SITE`).
        package init(_ key: String, heading: String? = nil, isShownInText: Bool = true) {
            self.key = key
            self.heading = heading ?? Self.heading(for: key)
            self.isShownInText = isShownInText
        }

        /// `callSite` → `CALL SITE`, `ageSeconds` → `AGE` (the unit is the key's, not the text's).
        static func heading(for key: String) -> String {
            var words = ""
            let unit = ["Seconds", "Bytes"].first { key.hasSuffix($0) && key.count > $0.count }
            for character in key.dropLast(unit?.count ?? 0) {
                if character.isUppercase { words += " " }
                words += character.uppercased()
            }
            return words
        }
    }

    /// A field of a record: its label on the terminal, its key in JSON, its value.
    package struct Field: Sendable, Hashable {
        /// The label, in lower case words (`resident memory`).
        package var label: String
        /// The JSON key: lower camel case, ending in `Seconds` or `Bytes` like a column's.
        package var key: String
        /// The value.
        package var value: Cell

        /// A field.
        package init(_ label: String, key: String, _ value: Cell) {
            self.label = label
            self.key = key
            self.value = value
        }
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains(where: \.isNewline) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}
