import ManholeWire
import Inspector

/// Text a client sent, made safe to log: control characters visible and the length cut.
enum LogText {
    /// The longest text logged from a client, in characters (after escaping).
    static let limit = 64

    /// `text` with what a terminal could act on (C0 and C1 controls, DEL, bidirectional controls,
    /// line and paragraph separators) and backslashes escaped (`\u{1B}`, `\u{202E}`, `\\`), cut
    /// to `limit` characters with `…` when longer: a user name or reason cannot rewrite the
    /// terminal of whoever reads the log, nor flood it.
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

    /// What a terminal could act on (``Quoting/isTerminalControl(_:)``), and the backslash, so an
    /// escape in the input cannot pass for ours.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || Quoting.isTerminalControl(scalar)
    }
}
