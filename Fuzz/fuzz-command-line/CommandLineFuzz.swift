import ManholeWire

// Splits the input as a command line. When it splits, quoting each word again (in double quotes,
// `\` and `"` escaped) and splitting the quoted words must give the same words back, one by one
// and all together.
//
// The parser reads extended grapheme clusters, so a quote next to a combining mark is not a quote
// (`"` + U+0301 is one character). A word whose quoted form does not keep its quotes and escapes
// as separate characters cannot be quoted this way, and is not checked.

/// The characters of `word` in double quotes with `\` and `"` escaped.
private func quotedCharacters(_ word: String) -> [Character] {
    var characters: [Character] = ["\""]
    for character in word {
        if character == "\\" || character == "\"" { characters.append("\\") }
        characters.append(character)
    }
    characters.append("\"")
    return characters
}

/// `word` quoted, or `nil` if the quotes would merge with the word's characters.
private func quoted(_ word: String) -> String? {
    let characters = quotedCharacters(word)
    let text = String(characters)
    return Array(text) == characters ? text : nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let words = try? CommandLineParser.split(line) else { return 0 }
    var quotedWords: [String] = []
    for word in words {
        guard let text = quoted(word) else { return 0 }
        let again: [String]
        do {
            again = try CommandLineParser.split(text)
        } catch {
            fatalError("quoted word \(text) does not split: \(error)")
        }
        guard again == [word] else { fatalError("quoted word \(text) splits into \(again), not [\(word)]") }
        quotedWords.append(text)
    }
    let joined = quotedWords.joined(separator: " ")
    guard Array(joined).count == quotedWords.reduce(max(0, quotedWords.count - 1), { $0 + Array($1).count }) else { return 0 }
    guard (try? CommandLineParser.split(joined)) == words else { fatalError("quoted line \(joined) does not give \(words)") }
    return 0
}
