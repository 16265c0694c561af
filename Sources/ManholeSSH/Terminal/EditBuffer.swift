/// The line being edited: printable characters and a cursor between them, bounded in bytes.
/// Characters (grapheme clusters) rather than bytes or scalars, so that the cursor steps over an
/// accented letter or a flag as the terminal shows it.
struct EditBuffer: Sendable {
    /// The line's characters.
    private(set) var characters: [Character] = []
    /// Where the cursor is: before `characters[cursor]`, or at the end.
    private(set) var cursor = 0
    /// The line's length in UTF-8 bytes, kept so that the bound costs nothing to check.
    private(set) var byteCount = 0
    /// The most bytes the line may hold.
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    /// What an insertion did, which decides whether echoing the scalar is enough.
    enum Insertion: Equatable {
        /// A new character at the cursor.
        case added
        /// The scalar joined the character left of the cursor (a combining mark, a ZWJ
        /// sequence), or the one after it (a letter typed before a lone combining mark).
        case joined
        /// The line is full, or the character before the cursor holds ``scalarLimit`` scalars:
        /// nothing changed.
        case full
    }

    /// The line as a string.
    var text: String { String(characters) }
    /// Whether the cursor is after the last character.
    var cursorAtEnd: Bool { cursor == characters.count }

    /// The most scalars a character may gather by joining (Unicode's stream-safe text allows
    /// 30 combining marks in a row): more is no text a terminal shows, and each join copies the
    /// character, so thousands of marks on one letter would cost time quadratic in the line.
    static let scalarLimit = 32

    /// Inserts a printable scalar at the cursor, joining it to the character before the cursor
    /// when together they form one character.
    mutating func insert(_ scalar: Unicode.Scalar) -> Insertion {
        let size = UTF8.width(scalar)
        guard byteCount + size <= byteLimit else { return .full }
        if cursor > 0 {
            var joined = String(characters[cursor - 1])
            joined.unicodeScalars.append(scalar)
            if joined.count == 1 {
                guard characters[cursor - 1].unicodeScalars.count < Self.scalarLimit else { return .full }
                byteCount += size
                characters[cursor - 1] = Character(joined)
                return .joined
            }
        }
        byteCount += size
        characters.insert(Character(scalar), at: cursor)
        cursor += 1
        return joinAcross(cursor) ? .joined : .added
    }

    /// Inserts printable text at the cursor as far as the bound allows.
    /// - Returns: Whether all of it fit.
    mutating func insert(contentsOf text: String) -> Bool {
        for scalar in text.unicodeScalars where insert(scalar) == .full { return false }
        return true
    }

    /// Replaces the whole line, cursor at its end (history recall).
    mutating func replace(with text: String) {
        characters = []
        cursor = 0
        byteCount = 0
        _ = insert(contentsOf: text)
    }

    /// Deletes the character left of the cursor. - Returns: Whether there was one.
    mutating func deleteBackward() -> Bool {
        guard cursor > 0 else { return false }
        cursor -= 1
        remove(cursor..<cursor + 1)
        return true
    }

    /// Deletes up to `count` characters left of the cursor (a completed word being replaced).
    mutating func deleteBackward(count: Int) {
        let start = max(0, cursor - count)
        let end = cursor
        cursor = start
        remove(start..<end)
    }

    /// Deletes the character under the cursor. - Returns: Whether there was one.
    mutating func deleteForward() -> Bool {
        guard cursor < characters.count else { return false }
        remove(cursor..<cursor + 1)
        return true
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    mutating func killToStart() -> Bool {
        guard cursor > 0 else { return false }
        let end = cursor
        cursor = 0
        remove(0..<end)
        return true
    }

    /// Deletes from the cursor to the end of the line (Ctrl-K).
    mutating func killToEnd() -> Bool {
        guard cursor < characters.count else { return false }
        remove(cursor..<characters.count)
        return true
    }

    /// Deletes the word left of the cursor and the spaces after it (Ctrl-W, as readline's
    /// `unix-word-rubout`: a word ends at whitespace).
    mutating func deleteWordLeft() -> Bool {
        var start = cursor
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        guard start < cursor else { return false }
        let end = cursor
        cursor = start
        remove(start..<end)
        return true
    }

    /// Moves the cursor to `position`, clamped to the line. - Returns: Whether it moved.
    mutating func move(to position: Int) -> Bool {
        let clamped = min(max(position, 0), characters.count)
        guard clamped != cursor else { return false }
        cursor = clamped
        return true
    }

    /// Empties the line.
    mutating func clear() {
        characters = []
        cursor = 0
        byteCount = 0
    }

    private mutating func remove(_ range: Range<Int>) {
        for character in characters[range] { byteCount -= character.utf8.count }
        characters.removeSubrange(range)
        _ = joinAcross(range.lowerBound)
    }

    /// Joins the characters on both sides of `index` when together they are one (a base letter
    /// typed before a lone combining mark, or the mark left next to a letter by a deletion), so
    /// that the characters and the cursor stay those of ``text``. The cursor, if at `index`,
    /// ends up after the joined character.
    private mutating func joinAcross(_ index: Int) -> Bool {
        guard index > 0, index < characters.count else { return false }
        var joined = String(characters[index - 1])
        joined.unicodeScalars.append(contentsOf: characters[index].unicodeScalars)
        guard joined.count == 1 else { return false }
        characters[index - 1] = Character(joined)
        characters.remove(at: index)
        if cursor > index { cursor -= 1 }
        return true
    }
}
