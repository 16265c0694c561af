@testable import Inspector
import Testing

@Test("A prefix matcher answers as hasPrefix does, canonical equivalence and \\r\\n included")
func aPrefixMatcherAgreesWithHasPrefix() {
    let fixed: [(String, String)] = [
        ("field999", "field9990"), ("field999", "field99"), ("field999", "field999"), ("", ""), ("", "é"), ("[", "[0]"),
        ("[", "[\u{301}0]"), ("K", "\u{212A}ey"), ("Key", "\u{212A}ey"), ("e", "e\u{301}"), ("e", "é"), ("\r", "\r\n"),
        ("a\r", "a\r\n"), ("a\r\n", "a\r\nb"), ("\"key", "\"key999\""), ("é", "e\u{301}x"), ("x", "X"),
    ]
    for (prefix, text) in fixed {
        #expect(PrefixMatcher(prefix).matches(text) == text.hasPrefix(prefix), "\(prefix.debugDescription) \(text.debugDescription)")
    }
    let alphabet = Array("ab[\"\r\n\u{301}é\u{212A}K")
    var random = SplitMix64(seed: 99)
    func word(_ length: Int) -> String {
        String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }
    for _ in 0..<20_000 {
        let prefix = word(Int(random.next() % 4))
        // Often start the text with the prefix, so that the interesting boundary cases come up.
        let text = (random.next() % 2 == 0 ? prefix : "") + word(Int(random.next() % 5))
        #expect(PrefixMatcher(prefix).matches(text) == text.hasPrefix(prefix), "\(prefix.debugDescription) \(text.debugDescription)")
    }
}
