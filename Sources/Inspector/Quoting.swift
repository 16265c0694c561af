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
            for scalar in character.unicodeScalars { escape(scalar, into: &out) }
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
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
}
