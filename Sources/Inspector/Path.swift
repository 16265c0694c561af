/// A path to a value inside a registered entry: `app.config.port`, `app.jobs[3]`,
/// `app.cache["user:42"]`, `app.jobs.count`.
///
/// The grammar: an entry name, then any number of segments: `.member` (a field, a tuple element
/// such as `.0`, an enum payload label, an enum case name to step into its payload, or the
/// `.count` of a collection, dictionary, set or string), `[index]`, `["string key"]` (with `\"`,
/// `\\`, `\n`, `\t`, `\r`, `\0` and `\u{…}` escapes) or `[bare key]`. Optionals are unwrapped at
/// every step; a `?` or `!` after a segment is accepted and ignored. Parsing is pure and runs anywhere.
package struct InspectorPath: Sendable, Hashable, CustomStringConvertible {
    /// One step below the entry.
    package enum Step: Sendable, Hashable {
        /// `.name`: a field, tuple element, payload label, case name, or `count`.
        case member(String)
        /// `[3]`: an element of a collection, set or tuple, or an integer dictionary key.
        case index(Int)
        /// `["user:42"]` or `[red]`: a dictionary key, as text.
        case key(String)
    }

    /// A step and where it was written.
    package struct Segment: Sendable, Hashable {
        /// What the segment asks for.
        package var step: Step
        /// The segment as written (`.port`, `[3]`, `["user:42"]`).
        package var text: String
        /// Where the segment starts in the path, in characters from 0.
        package var offset: Int
    }

    /// The path as given (without surrounding whitespace).
    package let text: String
    /// The entry the path starts at.
    package let entry: String
    /// The steps below the entry.
    package let segments: [Segment]

    /// Parses `text`.
    /// - Throws: ``PathError/syntax(path:offset:message:)`` pointing at the first character that does not fit.
    package init(parsing text: String) throws(PathError) {
        if let (entry, segments) = ASCIIPathParser.parse(text) {
            self.init(text: text, entry: entry, segments: segments)
        } else {
            try self.init(parsingCharacters: text)
        }
    }

    private init(text: String, entry: String, segments: [Segment]) {
        self.text = text
        self.entry = entry
        self.segments = segments
    }

    /// Parses `text` a `Character` at a time: any text, and every error.
    init(parsingCharacters text: String) throws(PathError) {
        var parser = Parser(text: text.trimmingWhitespace())
        (entry, segments) = try parser.parse()
        self.text = parser.text
    }

    /// The path up to (not including) segment `index`: what had been resolved when that segment failed.
    package func prefix(before index: Int) -> String {
        guard index < segments.count else { return text }
        var prefix = String(text.prefix(segments[index].offset))
        while prefix.last == "?" || prefix.last == "!" { prefix.removeLast() }
        return prefix
    }

    /// The path as given.
    package var description: String { text }

    /// Whether `name` can be an entry name: not empty, and free of whitespace, quotes and the
    /// characters that separate segments (`.`, `[`, `]`, `?`, `!`).
    package static func isValidEntryName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy(Parser.isNameCharacter)
    }

    private struct Parser {
        let text: String
        private let characters: [Character]
        private var position = 0

        init(text: String) {
            self.text = text
            self.characters = Array(text)
        }

        mutating func parse() throws(PathError) -> (String, [Segment]) {
            guard !characters.isEmpty else { throw fail("empty path; expected an entry name") }
            let entry = name()
            guard !entry.isEmpty else { throw fail("expected an entry name") }
            var segments: [Segment] = []
            while position < characters.count {
                let start = position
                switch characters[position] {
                case ".":
                    position += 1
                    let member = name()
                    guard !member.isEmpty else { throw fail("expected a member name after \".\"") }
                    segments.append(Segment(step: .member(member), text: String(characters[start..<position]), offset: start))
                case "[":
                    position += 1
                    let step = try subscriptStep()
                    segments.append(Segment(step: step, text: String(characters[start..<position]), offset: start))
                case "?", "!":
                    position += 1
                default:
                    throw fail("unexpected \"\(characters[position])\"; expected \".\" or \"[\"")
                }
            }
            return (entry, segments)
        }

        private mutating func name() -> String {
            let start = position
            while position < characters.count, Self.isNameCharacter(characters[position]) { position += 1 }
            return String(characters[start..<position])
        }

        fileprivate static func isNameCharacter(_ character: Character) -> Bool {
            !(character == "." || character == "[" || character == "]" || character == "?" || character == "!"
                || character == "\"" || character.isWhitespace)
        }

        /// After `[`: an index, a quoted key or a bare key, and the closing `]`.
        private mutating func subscriptStep() throws(PathError) -> Step {
            guard position < characters.count else { throw fail("expected an index or key after \"[\"") }
            let step: Step
            if characters[position] == "\"" {
                step = .key(try quoted())
            } else {
                let start = position
                while position < characters.count, characters[position] != "]" { position += 1 }
                let content = String(characters[start..<position])
                guard !content.isEmpty else { throw fail("expected an index or key after \"[\"") }
                if let index = Int(content), index >= 0 { step = .index(index) } else { step = .key(content) }
            }
            guard position < characters.count, characters[position] == "]" else { throw fail("expected \"]\"") }
            position += 1
            return step
        }

        private mutating func quoted() throws(PathError) -> String {
            position += 1
            var out = ""
            while position < characters.count {
                let character = characters[position]
                position += 1
                switch character {
                case "\"":
                    return out
                case "\\":
                    guard position < characters.count else { throw fail("unterminated string") }
                    let escaped = characters[position]
                    position += 1
                    switch escaped {
                    case "\"", "\\": out.append(escaped)
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\0")
                    case "u": out.unicodeScalars.append(try unicodeEscape())
                    default:
                        position -= 1
                        throw fail("unknown escape \"\\\(escaped)\"")
                    }
                default:
                    out.append(character)
                }
            }
            throw fail("unterminated string")
        }

        private mutating func unicodeEscape() throws(PathError) -> Unicode.Scalar {
            guard position < characters.count, characters[position] == "{" else { throw fail("expected \"{\" after \\u") }
            position += 1
            let start = position
            while position < characters.count, characters[position] != "}" { position += 1 }
            guard position < characters.count, let value = UInt32(String(characters[start..<position]), radix: 16),
                let scalar = Unicode.Scalar(value)
            else {
                position = start
                throw fail("bad \\u{…} escape")
            }
            position += 1
            return scalar
        }

        private func fail(_ message: String) -> PathError {
            .syntax(path: text, offset: Swift.min(position, characters.count), message: message)
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
