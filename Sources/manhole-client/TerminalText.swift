import ManholeWire

/// What the client lets through to the terminal from text it did not write itself (replies,
/// errors, goodbye reasons, completion candidates, the welcome line), in the manner of
/// OpenSSH's `strnvis`: characters a terminal would act on become visible escapes, so only the
/// client's own colour sequences reach it. Invalid UTF-8 was already replaced by U+FFFD when the
/// frame was decoded.
enum TerminalText {
    /// Whether a terminal could act on `scalar` instead of showing it: the wire protocol's own
    /// definition (`Quoting.isTerminalControl(_:)`, ManholeWire: C0 controls, newline and tab included,
    /// which callers keep for layout; DEL; C1 controls such as the one-byte CSI U+009B; the
    /// bidirectional controls of "Trojan Source", CVE-2021-42574; the line and paragraph
    /// separators), so the client escapes exactly what the server escapes.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool { Quoting.isTerminalControl(scalar) }

    /// `text` with every unsafe scalar but newlines and tabs written visibly: `\e` for ESC,
    /// `\a \b \f \r \v` for those, `\0`, `\x01`…`\x1f` and `\x7f` for other C0 controls and DEL,
    /// `\u{9B}` for C1 and bidi controls.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || !isUnsafe(scalar) {
                result.append(scalar)
            } else {
                result.append(contentsOf: escape(scalar).unicodeScalars)
            }
        }
        return String(result)
    }

    /// JSON text made safe for a terminal and kept on one line. Inside strings every unsafe
    /// scalar (newline and tab included, which JSON does not allow raw there) becomes `\uXXXX`,
    /// which means the same character; between tokens newlines and carriage returns are dropped
    /// (whitespace), tabs kept, and anything else unsafe is escaped too (the text was not valid
    /// JSON; now it is at least harmless).
    static func jsonLine(_ json: String) -> String {
        var result = String.UnicodeScalarView()
        var inString = false
        var escaped = false
        for scalar in json.unicodeScalars {
            if inString {
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                }
            } else if scalar == "\"" {
                inString = true
            } else if scalar == "\n" || scalar == "\r" {
                continue
            } else if scalar == "\t" {
                result.append(scalar)
                continue
            }
            if isUnsafe(scalar) {
                result.append(contentsOf: "\\u\(hex(scalar.value, digits: 4))".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00: "\\0"
        case 0x07: "\\a"
        case 0x08: "\\b"
        case 0x0B: "\\v"
        case 0x0C: "\\f"
        case 0x0D: "\\r"
        case 0x1B: "\\e"
        case 0x00...0x1F, 0x7F: "\\x\(hex(scalar.value, digits: 2))"
        default: "\\u{\(hex(scalar.value, digits: 2).uppercased())}"
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
