
/// JSON replies with every terminal control written as a `\uXXXX` escape: the same document to a
/// JSON parser, harmless on a terminal. `JSONEncoder` escapes C0 controls itself but passes DEL,
/// C1 controls and bidirectional controls through as they are.
package enum JSONTerminalSafety {
    /// `json` with DEL, C1 and bidirectional controls escaped. Such characters can only stand
    /// inside JSON strings (outside them a document is ASCII), where `\uXXXX` means the same.
    package static func escaped(_ json: String) -> String {
        // DEL is 0x7F; C1 controls start with 0xC2, U+061C with 0xD8, the others with 0xE2.
        guard json.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }),
            json.unicodeScalars.contains(where: { $0.value >= 0x20 && Quoting.isTerminalControl($0) })
        else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x20 && Quoting.isTerminalControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
