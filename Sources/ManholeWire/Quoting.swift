/// Shortening and escaping of text for display on an operator's terminal.
///
/// Text from the host (descriptions, keys, labels, type names, error texts) must not drive the
/// terminal: C0 controls (but the newline and tab a reply uses for layout), DEL, C1 controls
/// (U+0080–U+009F: CSI, OSC…), bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029) are written as `\u{…}`
/// escapes (`\r` for a carriage return), in every rendering.
package enum Quoting {
    /// Strings longer than this (in UTF-8 bytes) report their length in bytes, because counting
    /// their characters would walk all of them.
    package static let characterCountLimit = 64 * 1024

    /// `string` quoted and escaped, cut after `maxLength` characters; `isTruncated` tells whether it was cut.
    /// A cut string ends with `…"` followed by its full length: `"aaaa…" (1000 characters)`.
    package static func quote(_ string: String, maxLength: Int) -> (text: String, isTruncated: Bool) {
        var out = "\""
        var shown = 0
        var truncated = false
        for character in string {
            if shown == maxLength {
                truncated = true
                break
            }
            append(character, to: &out)
            shown += 1
        }
        guard truncated else { return (out + "\"", false) }
        let bytes = string.utf8.count
        let length = bytes <= characterCountLimit ? "\(string.count) characters" : "\(bytes) bytes"
        return (out + "…\" (\(length))", true)
    }

    /// The first line of `text`, cut after `maxLength` characters with `…` when it is longer or
    /// has more lines; controls in it escaped (a tab as `\t`, see ``Quoting``).
    package static func firstLine(_ text: String, maxLength: Int) -> String {
        var out = ""
        var shown = 0
        for character in text {
            if character.isNewline || shown == maxLength { return out + "…" }
            if character.unicodeScalars.contains(where: { $0 == "\t" || isTerminalControl($0) }) {
                for scalar in character.unicodeScalars { appendEscaped(scalar, to: &out, keepingLayout: false) }
            } else {
                out.append(character)
            }
            shown += 1
        }
        return out
    }

    /// `text` with the characters that could drive a terminal escaped (see ``Quoting``), keeping
    /// newlines and tabs: what every text reply may safely print. Escaped text is printable
    /// ASCII, so applying this twice changes nothing more.
    package static func terminalSafe(_ text: String) -> String {
        escaped(text, keepingLayout: true)
    }

    /// `text` on one line: like ``terminalSafe(_:)``, with newlines and tabs escaped too
    /// (`\n`, `\t`). For labels, type names and table cells.
    package static func oneLine(_ text: String) -> String {
        escaped(text, keepingLayout: false)
    }

    /// Whether `scalar` is a control a terminal may act on: C0 (all of it, layout included),
    /// DEL, C1, a bidirectional control, or the line or paragraph separator.
    package static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func escaped(_ text: String, keepingLayout: Bool) -> String {
        let clean = text.utf8.allSatisfy { byte in
            (byte >= 0x20 && byte < 0x7F) || (keepingLayout && (byte == 0x0A || byte == 0x09))
        }
        if clean { return text }
        // Non-ASCII text (`…`, accents) is common in replies: copy only when something needs escaping.
        let kept: (Unicode.Scalar) -> Bool = { keepingLayout && ($0 == "\n" || $0 == "\t") }
        if !text.unicodeScalars.contains(where: { isTerminalControl($0) && !kept($0) }) { return text }
        var out = ""
        for scalar in text.unicodeScalars { appendEscaped(scalar, to: &out, keepingLayout: keepingLayout) }
        return out
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String, keepingLayout: Bool) {
        switch scalar {
        case "\n" where keepingLayout, "\t" where keepingLayout: out.unicodeScalars.append(scalar)
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if isTerminalControl(scalar) { out += hexEscape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
    }

    /// Appends `character` escaped. The quoted form must parse back (`inspect app.cache["…"]`), and
    /// the path parser reads characters (extended grapheme clusters): a combining mark at the start
    /// of a key would fuse with the opening quote, one after a quote in the key with the escape's
    /// `"`, a prepended mark (U+0600) at the end with the closing quote. Such characters are written
    /// with their non-ASCII scalars as `\u{…}` escapes, which fuse with nothing.
    private static func append(_ character: Character, to out: inout String) {
        if character.isASCII {
            for scalar in character.unicodeScalars { escape(scalar, into: &out) }
            return
        }
        var piece = ""
        for scalar in character.unicodeScalars { escape(scalar, into: &piece) }
        // Every printable ASCII character is alike to grapheme breaking, so quotes around the
        // character stand for whatever comes next to it: a quote, an escape or other ASCII text.
        if piece.unicodeScalars.elementsEqual(character.unicodeScalars), ("\"" + piece + "\"").count == 3 {
            out += piece
        } else {
            for scalar in character.unicodeScalars {
                if scalar.isASCII { escape(scalar, into: &out) } else { out += hexEscape(scalar) }
            }
        }
    }

    private static func hexEscape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }

    private static func escape(_ scalar: Unicode.Scalar, into out: inout String) {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\0": out += "\\0"
        default:
            if isTerminalControl(scalar) {
                out += hexEscape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
}
