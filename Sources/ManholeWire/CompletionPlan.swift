/// What pressing Tab does to a line, from the text before the cursor and the shell's candidates
/// (`complete PARTIAL-LINE`; each candidate replaces the last word): one set of rules for both
/// line editors, manhole-client's (libedit) and the SSH listener's, so both complete alike.
package enum CompletionPlan: Equatable, Sendable {
    /// Nothing to complete (no candidate, or nothing new): the bell.
    case none
    /// Replace `partial` (the last word, just before the cursor) with `inserting`.
    case replace(partial: String, inserting: String)
    /// Several candidates and nothing more in common: list them.
    case list([String])

    /// The word the cursor is at the end of: everything after the last space.
    package static func partialWord(of lineBeforeCursor: String) -> Substring {
        guard let space = lineBeforeCursor.lastIndex(of: " ") else { return Substring(lineBeforeCursor) }
        return lineBeforeCursor[lineBeforeCursor.index(after: space)...]
    }

    /// Plans a completion: a unique candidate replaces the word (followed by a space when it is
    /// the command's name, so the user can type the argument); several are narrowed to their
    /// longest common prefix, or listed when that adds nothing.
    package static func plan(lineBeforeCursor: String, candidates: [String]) -> CompletionPlan {
        let partial = String(partialWord(of: lineBeforeCursor))
        let unique = Array(Set(candidates)).sorted()
        guard let first = unique.first else { return .none }
        let trimmed = lineBeforeCursor.drop(while: \.isWhitespace)
        let isCommandWord = !trimmed.contains(" ") && !lineBeforeCursor.hasSuffix(" ")
        if unique.count == 1 {
            let text = first + (isCommandWord ? " " : "")
            return text == partial ? .none : .replace(partial: partial, inserting: text)
        }
        let common = commonPrefix(unique)
        if common.count > partial.count && common.hasPrefix(partial) {
            return .replace(partial: partial, inserting: common)
        }
        return .list(unique)
    }

    /// The longest prefix, in characters, that every string shares (one pass over each: the
    /// server's candidates may be long and many).
    package static func commonPrefix(_ strings: [String]) -> String {
        guard let first = strings.first else { return "" }
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
    /// (`port  portal` rather than `app.config.port  app.config.portal`), as a shell lists file
    /// names without their directory.
    package static func displayNames(_ candidates: [String]) -> [String] {
        let common = commonPrefix(candidates)
        guard candidates.count > 1, let dot = common.lastIndex(of: ".") else { return candidates }
        let cut = common.distance(from: common.startIndex, to: dot) + 1
        return candidates.map { String($0.dropFirst(cut)) }
    }

    /// Names laid out in columns that fit `width` terminal cells, one text line per row, each
    /// ending with a newline; `cells` says how many cells a name takes.
    package static func columns(_ names: [String], width: Int, cells: (String) -> Int = { $0.count }) -> String {
        guard !names.isEmpty else { return "" }
        let widths = names.map(cells)
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
