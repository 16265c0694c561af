/// Shortening and escaping of text for one-line display.
package enum Quoting {
    /// Strings longer than this (in UTF-8 bytes) report their length in bytes, because counting
    /// their characters would walk all of them.
    static let characterCountLimit = 64 * 1024

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
    /// has more lines.
    static func firstLine(_ text: String, maxLength: Int) -> String {
        var out = ""
        var shown = 0
        for character in text {
            if character.isNewline || shown == maxLength { return out + "…" }
            out.append(character)
            shown += 1
        }
        return out
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
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += hexEscape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
}
