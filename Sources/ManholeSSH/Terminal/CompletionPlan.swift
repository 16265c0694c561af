/// What an answer to Tab does to the line, from the text before the cursor and the shell's
/// candidates (each replaces the last word): the same rules as manhole-client's, so both
/// shells complete alike. Pure: the line editor applies it.
enum CompletionPlan: Equatable, Sendable {
    /// Nothing to complete (no candidate, or nothing new): the bell.
    case none
    /// Replace the last `deleting` characters (the partial word) with `inserting`.
    case replace(deleting: Int, inserting: String)
    /// Several candidates and nothing more in common: list them.
    case list([String])

    /// The word the cursor is at the end of: everything after the last space.
    static func partialWord(of lineBeforeCursor: String) -> Substring {
        guard let space = lineBeforeCursor.lastIndex(of: " ") else { return Substring(lineBeforeCursor) }
        return lineBeforeCursor[lineBeforeCursor.index(after: space)...]
    }

    /// Plans a completion: a unique candidate replaces the word (followed by a space when it is
    /// the command's name, so the user can type the argument); several are narrowed to their
    /// longest common prefix, or listed when that adds nothing.
    static func plan(lineBeforeCursor: String, candidates: [String]) -> CompletionPlan {
        let partial = partialWord(of: lineBeforeCursor)
        let unique = Array(Set(candidates)).sorted()
        guard let first = unique.first else { return .none }
        let isCommandWord = !lineBeforeCursor.drop(while: \.isWhitespace).contains(" ")
        if unique.count == 1 {
            let text = first + (isCommandWord ? " " : "")
            return text == partial ? .none : .replace(deleting: partial.count, inserting: text)
        }
        let common = commonPrefix(unique)
        if common.count > partial.count && common.hasPrefix(partial) {
            return .replace(deleting: partial.count, inserting: common)
        }
        return .list(unique)
    }

    /// The longest prefix, in characters, that every string shares.
    static func commonPrefix(_ strings: [String]) -> String {
        guard let first = strings.first else { return "" }
        // One pass over each string (the server's candidates may be long and many).
        let prefix = Array(first)
        var length = prefix.count
        for string in strings.dropFirst() {
            var shared = 0
            for character in string {
                guard shared < length, prefix[shared] == character else { break }
                shared += 1
            }
            length = shared
        }
        return String(prefix[..<length])
    }

    /// What a list shows: path candidates without the part they all share up to its last `.`
    /// (`port  portal` rather than `app.config.port  app.config.portal`).
    static func displayNames(_ candidates: [String]) -> [String] {
        let common = commonPrefix(candidates)
        guard candidates.count > 1, let dot = common.lastIndex(of: ".") else { return candidates }
        let cut = common.distance(from: common.startIndex, to: dot) + 1
        return candidates.map { String($0.dropFirst(cut)) }
    }

    /// Names laid out in columns that fit `width` terminal columns (counted as the terminal
    /// draws them), one text line per row, each ending with a newline.
    static func columns(_ names: [String], width: Int) -> String {
        guard !names.isEmpty else { return "" }
        let widths = names.map { $0.unicodeScalars.reduce(0) { $0 + TerminalCellWidth.of($1) } }
        let cell = (widths.max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rows = (names.count + perRow - 1) / perRow
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<perRow {
                let index = column * rows + row
                guard index < names.count else { break }
                line += names[index] + String(repeating: " ", count: max(0, cell - widths[index]))
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
