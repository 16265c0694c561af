import ManholeWire
import Inspector
import Testing

@Test func aPathParsesIntoItsEntryAndSegments() throws {
    let path = try InspectorPath(parsing: "  app.jobs[3].state?.cache[\"user:42\"][red]!.count ")
    #expect(path.text == "app.jobs[3].state?.cache[\"user:42\"][red]!.count")
    #expect(path.entry == "app")
    #expect(
        path.segments.map(\.step) == [
            .member("jobs"), .index(3), .member("state"), .member("cache"), .key("user:42"), .key("red"), .member("count"),
        ])
    #expect(path.segments.map(\.text) == [".jobs", "[3]", ".state", ".cache", "[\"user:42\"]", "[red]", ".count"])
    #expect(path.segments.map(\.offset) == [3, 8, 11, 18, 24, 35, 41])
    #expect(path.prefix(before: 3) == "app.jobs[3].state")
}

@Test func quotedKeysUnderstandEscapes() throws {
    let path = try InspectorPath(parsing: #"m["a\"b\\c\n\t\u{1F600}"]"#)
    #expect(path.segments.map(\.step) == [.key("a\"b\\c\n\t😀")])
}

@Test(
    "A key shown quoted parses back to the same key, even when its marks would fuse with the quotes or escapes around it",
    arguments: [
        "\u{301}x",  // a combining mark first: it would fuse with the opening quote
        "\"\u{301}",  // a quote with a combining mark: one character, which would swallow the escape's quote
        "\\\u{301}",  // the same with a backslash
        "\n\u{301}",  // a mark after a control character would fuse with the escape's letter
        "x\u{600}",  // a prepended mark last would fuse with the closing quote
        "\u{600}\n",  // or with the backslash of the escape after it
        "\u{200D}",  // a lone zero-width joiner
        "e\u{301}",  // a decomposed é: shown as is
        "🇺🇸🇫",  // regional indicators
    ])
func quotedKeysParseBack(key: String) throws {
    let shown = Quoting.quote(key, maxLength: .max).text
    let path = try InspectorPath(parsing: "m[\(shown)]")
    #expect(path.segments.map(\.step) == [.key(key)], "shown as \(shown.unicodeScalars.map { String($0.value, radix: 16) })")
}

@Test func readableMarksAreNotEscaped() {
    #expect(Quoting.quote("cafe\u{301}", maxLength: .max).text == "\"cafe\u{301}\"")
    #expect(Quoting.quote("\u{301}x", maxLength: .max).text == #""\u{301}x""#)
}

@Test func tupleElementsAndNegativeNumbersAreMembersAndKeys() throws {
    #expect(try InspectorPath(parsing: "pair.0").segments.map(\.step) == [.member("0")])
    #expect(try InspectorPath(parsing: "m[-1]").segments.map(\.step) == [.key("-1")])
}

@Test func malformedPathsPointAtTheFirstCharacterThatDoesNotFit() {
    let cases: [(String, Int, String)] = [
        ("", 0, "empty path; expected an entry name"),
        (".x", 0, "expected an entry name"),
        ("app.", 4, "expected a member name after \".\""),
        ("app..x", 4, "expected a member name after \".\""),
        ("app[", 4, "expected an index or key after \"[\""),
        ("app[]", 4, "expected an index or key after \"[\""),
        ("app[3", 5, "expected \"]\""),
        ("app[\"x", 6, "unterminated string"),
        ("app[\"x\"", 7, "expected \"]\""),
        ("app[\"\\q\"]", 6, "unknown escape \"\\q\""),
        ("app[\"\\u{zz}\"]", 8, "bad \\u{…} escape"),
        ("app x", 3, "unexpected \" \"; expected \".\" or \"[\""),
        ("app]", 3, "unexpected \"]\"; expected \".\" or \"[\""),
    ]
    for (text, offset, message) in cases {
        #expect(throws: PathError.syntax(path: text, offset: offset, message: message), "\(text)") {
            try InspectorPath(parsing: text)
        }
    }
}

@Test func entryNamesMustBeUsableAsTheFirstSegment() {
    #expect(InspectorPath.isValidEntryName("queue-depth_2"))
    #expect(!InspectorPath.isValidEntryName(""))
    #expect(!InspectorPath.isValidEntryName("a.b"))
    #expect(!InspectorPath.isValidEntryName("a b"))
    #expect(!InspectorPath.isValidEntryName("a[0]"))
}
