/// What pressing Tab does to the line, worked out from the text before the cursor and the
/// server's candidates (`complete PARTIAL-LINE`; each candidate replaces the last word). Pure:
/// the line editor applies it.
enum Completion: Equatable, Sendable {
    /// Nothing to complete (no candidate, or nothing new): the editor beeps.
    case none
    /// Replace the last `deleting` characters (the partial word) with `inserting`.
    case replace(deleting: Int, inserting: String)
    /// Several candidates and nothing more in common: show them.
    case list([String])
    /// The connection was lost while asking the server: end the prompt.
    case connectionLost

    /// The word the cursor is at the end of: everything after the last space.
    static func partialWord(of lineBeforeCursor: String) -> Substring {
        guard let space = lineBeforeCursor.lastIndex(of: " ") else { return Substring(lineBeforeCursor) }
        return lineBeforeCursor[lineBeforeCursor.index(after: space)...]
    }

    /// Plans a completion.
    /// - Parameters:
    ///   - lineBeforeCursor: The line from its start to the cursor.
    ///   - candidates: What the server proposes for the last word.
    /// - Returns: A unique candidate replaces the word (followed by a space when it is the
    ///   command name, so the user can type the argument); several candidates are narrowed to
    ///   their longest common prefix, or listed when that adds nothing.
    static func plan(lineBeforeCursor: String, candidates: [String]) -> Completion {
        let partial = partialWord(of: lineBeforeCursor)
        let unique = Array(Set(candidates)).sorted()
        guard let first = unique.first else { return .none }
        let isCommandWord = !lineBeforeCursor.trimmingWhitespace.contains(" ") && !lineBeforeCursor.hasSuffix(" ")
        if unique.count == 1 {
            let text = first + (isCommandWord ? " " : "")
            return text == partial ? .none : .replace(deleting: partial.unicodeScalars.count, inserting: text)
        }
        let common = commonPrefix(unique)
        if common.count > partial.count && common.hasPrefix(partial) {
            return .replace(deleting: partial.unicodeScalars.count, inserting: common)
        }
        return .list(unique)
    }

    /// The longest prefix, in characters, that every string shares.
    static func commonPrefix(_ strings: [String]) -> String {
        guard let first = strings.first else { return "" }
        var prefix = Substring(first)
        for string in strings.dropFirst() {
            while !string.hasPrefix(prefix) { prefix = prefix.dropLast() }
        }
        return String(prefix)
    }

    /// What a candidate list shows: path candidates without the part they all share up to its
    /// last `.` (`port  portal` rather than `app.config.port  app.config.portal`), like a shell
    /// lists file names without their directory.
    static func displayNames(_ candidates: [String]) -> [String] {
        let common = commonPrefix(candidates)
        guard candidates.count > 1, let dot = common.lastIndex(of: ".") else { return candidates }
        let cut = common.distance(from: common.startIndex, to: dot) + 1
        return candidates.map { String($0.dropFirst(cut)) }
    }

    /// Candidates laid out in columns that fit `width` terminal cells, one string per row, each
    /// ending with a newline.
    static func columns(_ candidates: [String], width: Int) -> String {
        guard !candidates.isEmpty else { return "" }
        let cell = (candidates.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rows = (candidates.count + perRow - 1) / perRow
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<perRow {
                let index = column * rows + row
                guard index < candidates.count else { break }
                let name = candidates[index]
                line += name + String(repeating: " ", count: max(0, cell - name.count))
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
