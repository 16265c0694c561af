import Foundation

/// The `key=value,key=value` messages of SCRAM (RFC 5802), parsed strictly: single-letter keys,
/// no duplicates, values without commas.
package struct ScramAttributes: Sendable {
    private(set) var values: [Character: String] = [:]

    /// Parses `text`; `nil` when it is malformed.
    package init?(parsing text: Substring) {
        guard !text.isEmpty, text.utf8.count <= 1_024 else { return nil }
        for field in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard field.count >= 2, let key = field.first, key.isLetter, key.isASCII,
                field.dropFirst().first == "=", values[key] == nil
            else { return nil }
            values[key] = String(field.dropFirst(2))
        }
    }

    /// The value of attribute `key`, if present.
    package subscript(key: Character) -> String? { values[key] }

    /// A SCRAM username as it travels (`,` as `=2C`, `=` as `=3D`), decoded; `nil` if malformed.
    package static func decodeUsername(_ encoded: String) -> String? {
        var result = ""
        var rest = Substring(encoded)
        while let index = rest.firstIndex(of: "=") {
            result += rest[..<index]
            let escape = rest[index...].prefix(3)
            switch escape {
            case "=2C": result += ","
            case "=3D": result += "="
            default: return nil
            }
            rest = rest[rest.index(index, offsetBy: 3)...]
        }
        return result + rest
    }

    /// Encodes a username for a SCRAM message.
    package static func encodeUsername(_ name: String) -> String {
        name.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    }

    /// A fresh random nonce: 24 bytes from the system's secure generator, base64.
    package static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }
}
