/// How many terminal columns a character takes, counted as a terminal (and glibc's `wcwidth`)
/// counts them: combining marks and format characters 0, East Asian wide and fullwidth
/// characters and emoji shown as emoji 2, the rest 1. A small table rather than `wcwidth`:
/// the host's locale is often "C", where `wcwidth` knows no character beyond ASCII.
enum TerminalCellWidth {
    /// The columns of one scalar (0, 1 or 2).
    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return 1 }  // Latin: the common case, and the soft hyphen U+00AD shows
        if isZeroWidth(scalar) { return 0 }
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// The columns of one character: a terminal draws each scalar, so its scalars' sum.
    static func of(_ character: Character) -> Int {
        var sum = 0
        for scalar in character.unicodeScalars { sum += of(scalar) }
        return sum
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return (0x1160...0x11FF).contains(scalar.value)  // Hangul vowels and finals join the syllable
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks, Unicode 15; emoji are found by property.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F200...0x1F251, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        return wideRanges.contains { $0.contains(value) }
    }
}
