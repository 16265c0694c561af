/// The parser of the common path: ASCII only, no surrounding whitespace, no escapes.
///
/// ``InspectorPath/init(parsing:)`` tries it first because the general parser works on
/// `Character`s (grapheme breaking, `String`s built a character at a time), which cost more than
/// the rest of a short inspection. Over ASCII text without a carriage return every byte is one
/// `Character`, so byte offsets are the general parser's character offsets. Anything else (other
/// text, an escape, whitespace, anything the general parser would reject) returns `nil` and goes
/// to the general parser, which then gives the same result or error as always.
enum ASCIIPathParser {
    /// The entry and segments of `text`, or `nil` when the general parser must decide.
    static func parse(_ text: String) -> (entry: String, segments: [InspectorPath.Segment])? {
        var parsed: (String, [InspectorPath.Segment])?
        text.utf8.withContiguousStorageIfAvailable { bytes in
            parsed = parse(bytes)
        }
        return parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, [InspectorPath.Segment])? {
        guard let first = bytes.first, let last = bytes.last, !isWhitespace(first), !isWhitespace(last),
            bytes.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") })
        else { return nil }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var position = 0
        func name() -> Range<Int> {
            let start = position
            while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
            return start..<position
        }
        let entry = name()
        guard !entry.isEmpty else { return nil }
        var segments: [InspectorPath.Segment] = []
        while position < bytes.count {
            let start = position
            switch bytes[position] {
            case UInt8(ascii: "."):
                position += 1
                let member = name()
                guard !member.isEmpty else { return nil }
                segments.append(.init(step: .member(text(member)), text: text(start..<position), offset: start))
            case UInt8(ascii: "["):
                position += 1
                guard position < bytes.count else { return nil }
                let step: InspectorPath.Step
                if bytes[position] == UInt8(ascii: "\"") {
                    position += 1
                    let keyStart = position
                    while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                        guard bytes[position] != UInt8(ascii: "\\") else { return nil }
                        position += 1
                    }
                    guard position < bytes.count else { return nil }
                    step = .key(text(keyStart..<position))
                    position += 1
                } else {
                    let contentStart = position
                    while position < bytes.count, bytes[position] != UInt8(ascii: "]") { position += 1 }
                    guard position > contentStart else { return nil }
                    let content = text(contentStart..<position)
                    if let index = Int(content), index >= 0 { step = .index(index) } else { step = .key(content) }
                }
                guard position < bytes.count, bytes[position] == UInt8(ascii: "]") else { return nil }
                position += 1
                segments.append(.init(step: step, text: text(start..<position), offset: start))
            case UInt8(ascii: "?"), UInt8(ascii: "!"):
                position += 1
            default:
                return nil
            }
        }
        return (text(entry), segments)
    }

    /// The ASCII characters `Character.isWhitespace` holds true for (tab to carriage return, space).
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        (0x09...0x0D).contains(byte) || byte == 0x20
    }

    /// ``InspectorPath``'s name characters, for ASCII.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "!"),
            UInt8(ascii: "\""):
            false
        default:
            !isWhitespace(byte)
        }
    }
}
