/// Splits a command line into words: spaces separate words; single or double quotes group them
/// (`inspect app.cache["user 42"]` keeps the brackets' content in one word); a backslash
/// escapes the next character outside single quotes.
public enum CommandLineParser {
    /// Why a line could not be split.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// A quote was opened at this character offset and never closed.
        case unterminatedQuote(offset: Int)
        /// The line ends with a lone backslash.
        case danglingEscape

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .unterminatedQuote(let offset): "unterminated quote opened at column \(offset + 1)"
            case .danglingEscape: "the line ends with a lone backslash"
            }
        }
    }

    /// The words of `line`, with quotes removed and escapes resolved; brackets keep their quotes
    /// so that paths such as `app.cache["user:42"]` survive as one word.
    public static func split(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var quoteStart = 0
        var bracketDepth = 0
        var escaping = false
        for (offset, character) in line.enumerated() {
            if escaping {
                current.append(character)
                escaping = false
                continue
            }
            if let open = quote {
                if character == "\\" && open == "\"" {
                    escaping = true
                    if bracketDepth > 0 { current.append(character) }
                } else if character == open {
                    quote = nil
                    if bracketDepth > 0 { current.append(character) }
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\\":
                escaping = true
                inWord = true
            case "\"", "'":
                quote = character
                quoteStart = offset
                inWord = true
                if bracketDepth > 0 { current.append(character) }
            case "[":
                bracketDepth += 1
                current.append(character)
                inWord = true
            case "]":
                bracketDepth = max(0, bracketDepth - 1)
                current.append(character)
                inWord = true
            case " ", "\t":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw .unterminatedQuote(offset: quoteStart) }
        if escaping { throw .danglingEscape }
        if inWord { words.append(current) }
        return words
    }
}
