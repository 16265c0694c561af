@testable import Inspector
import Testing

/// What parsing `text` gives: the path, or the error.
private func outcome(_ parse: (String) throws(PathError) -> InspectorPath, _ text: String) -> Result<InspectorPath, PathError> {
    do throws(PathError) {
        return .success(try parse(text))
    } catch {
        return .failure(error)
    }
}

@Test("The ASCII fast path parses the usual paths itself")
func theFastPathTakesTheUsualPaths() throws {
    for text in ["config.retry.attempts", "app.jobs[3].state?.cache[\"user:42\"][red]!.count", "m[-1]", "t.0"] {
        #expect(ASCIIPathParser.parse(text) != nil, "\(text)")
    }
    for text in [" a.b", "a.b ", "a\r\n.b", "é.b", "m[\"a\\\"b\"]", "a..b", "a[", "a[]", "a[\"x\"", "a]"] {
        #expect(ASCIIPathParser.parse(text) == nil, "\(text)")
    }
}

@Test("A path parses the same, to the same value or the same error, with or without the ASCII fast path")
func theFastPathAgreesWithTheCharacterParser() {
    let fixed = [
        "config.retry.attempts", "  app.jobs[3].state?.cache[\"user:42\"][red]!.count ", "m[+5]", "m[-1]", "m[007]",
        "a[\"\"]", "a[\"x\"]]", "a[\"x\"y]", "a.", "a[", "a[]", ".a", "a b", "a\tb", "a\u{0B}.b", "a.b\u{0C}", "a\r\n.b",
        "a\r.b", "a.é", "e\u{301}.x", "a.\u{301}x", "a[\"\\u{41}\"]", "a[\"\\q\"]", "a!?.b?", "a[1][2][\"3\"]", "",
        "\u{1}.\u{7F}",
    ]
    for text in fixed {
        #expect(outcome(InspectorPath.init(parsing:), text) == outcome(InspectorPath.init(parsingCharacters:), text), "\(text)")
    }
    // Random paths over the characters that matter to the grammar.
    let alphabet = Array("ab09.[]\"\\?! \t\r\n-+éu{}")
    var random = SplitMix64(seed: 17)
    for _ in 0..<20_000 {
        let length = Int(random.next() % 12)
        let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        #expect(outcome(InspectorPath.init(parsing:), text) == outcome(InspectorPath.init(parsingCharacters:), text), "\(text.debugDescription)")
    }
}
