import Inspector
import Testing

@Test func everyPathErrorSaysWhatFailedWhereAndWhatToTryInstead() {
    let cases: [(PathError, String)] = [
        (.syntax(path: "app.", offset: 4, message: "expected a member name"), "syntax error in app. at column 5: expected a member name"),
        (.unknownEntry(name: "ap", suggestions: ["app", "apps"]), "no entry named \"ap\"; did you mean app, apps?"),
        (.unknownEntry(name: "zz", suggestions: []), "no entry named \"zz\""),
        (
            .noSuchMember(member: "confg", at: "app", typeName: "App", offset: 3, suggestions: ["config"]),
            "app (App) has no member \"confg\"; did you mean config?"
        ),
        (
            .indexOutOfRange(index: 7, count: 3, at: "app.jobs", typeName: "Array<Job>", offset: 8),
            "index 7 is out of range: app.jobs (Array<Job>) has 3 elements"
        ),
        (
            .indexOutOfRange(index: 1, count: 1, at: "one", typeName: "Array<Int>", offset: 3),
            "index 1 is out of range: one (Array<Int>) has 1 element"
        ),
        (
            .noSuchKey(key: "\"user:43\"", at: "app.cache", typeName: "Dictionary<String, Int>", offset: 9, suggestions: ["\"user:42\""]),
            "app.cache (Dictionary<String, Int>) has no key \"user:43\"; did you mean \"user:42\"?"
        ),
        (
            .notSubscriptable(segment: "[0]", at: "app.config", typeName: "Config", offset: 10),
            "app.config (Config) cannot be subscripted with [0]"
        ),
        (
            .nilValue(segment: ".name", at: "app.owner", typeName: "Optional<User>", offset: 9),
            "app.owner (Optional<User>) is nil; cannot read .name"
        ),
    ]
    for (error, text) in cases {
        #expect(error.description == text)
    }
}

@Test func aPathErrorKnowsItsOffsetAndSuggestions() {
    let error = PathError.noSuchMember(member: "x", at: "a.b", typeName: "T", offset: 3, suggestions: ["y"])
    #expect(error.offset == 3)
    #expect(error.suggestions == ["y"])
    #expect(PathError.unknownEntry(name: "a", suggestions: ["b"]).offset == 0)
    #expect(PathError.nilValue(segment: ".a", at: "x", typeName: "T?", offset: 1).suggestions.isEmpty)
}
