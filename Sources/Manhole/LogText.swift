/// Text a client sent, made safe to log: control characters visible and the length cut.
enum LogText {
    /// The longest text logged from a client, in characters (after escaping).
    static let limit = 64

    /// `text` with C0 and C1 controls, DEL, bidirectional controls and backslashes escaped
    /// (`\u{1B}`, `\u{202E}`, `\\`), cut to `limit` characters with `…` when longer: a user name
    /// or reason cannot rewrite the terminal of whoever reads the log, nor flood it.
    static func escaped(_ text: String, limit: Int = LogText.limit) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = needsEscape(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
            if count + piece.count > limit { return result + "…" }
            result += piece
            count += piece.count
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1
        case 0x5C: true  // the backslash, so an escape in the input cannot pass for ours
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional controls
        default: false
        }
    }
}
