/// `String.hasPrefix` for one prefix tested against many texts (completion scans thousands of
/// names and keys): bytes are compared where that decides the answer, `hasPrefix` where it might
/// not.
///
/// `hasPrefix` compares `Character`s under canonical equivalence. For an ASCII prefix, bytes
/// decide: a text whose bytes start with the prefix's, followed by its end or an ASCII byte (not
/// the `\n` of a `\r\n` split by the prefix), has it; a text that differs at an ASCII byte first
/// does not (no other character is equivalent to an ASCII one written with ASCII). A non-ASCII
/// byte at the point that decides (a combining mark, a character equivalent to an ASCII letter
/// such as the Kelvin sign) leaves it to `hasPrefix`.
struct PrefixMatcher {
    let prefix: String
    /// The prefix's bytes, when it is ASCII.
    private let ascii: [UInt8]?

    init(_ prefix: String) {
        self.prefix = prefix
        ascii = prefix.utf8.allSatisfy { $0 < 0x80 } ? Array(prefix.utf8) : nil
    }

    /// `text.hasPrefix(prefix)`.
    func matches(_ text: String) -> Bool {
        guard let ascii else { return text.hasPrefix(prefix) }
        let decided = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for (position, byte) in ascii.enumerated() {
                guard position < bytes.count else { return false }
                let other = bytes[position]
                if other != byte { return other < 0x80 ? false : nil }
            }
            guard ascii.count < bytes.count else { return true }
            let next = bytes[ascii.count]
            if next >= 0x80 || (next == UInt8(ascii: "\n") && ascii.last == UInt8(ascii: "\r")) { return nil }
            return true
        }
        guard let decided, let answer = decided else { return text.hasPrefix(prefix) }
        return answer
    }
}
