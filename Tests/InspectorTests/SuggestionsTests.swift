@testable import Inspector
import Testing

@Test func theClosestNamesComeFirstAndAtMostThree() {
    let names = ["port", "sort", "fort", "part", "jobs", "config"]
    #expect(Suggestions.closest(to: "pert", among: names) == ["part", "port", "fort"])
    #expect(Suggestions.closest(to: "confg", among: names) == ["config"])
    #expect(Suggestions.closest(to: "jbos", among: names) == ["jobs"])
    #expect(Suggestions.closest(to: "zzzzzzzz", among: names).isEmpty)
}

@Test func aPrefixOfALongNameIsSuggestedEvenWhenFarInEdits() {
    #expect(Suggestions.closest(to: "conn", among: ["connectionPool", "jobs"]) == ["connectionPool"])
}

@Test func levenshteinCountsInsertionsDeletionsAndSubstitutions() {
    func distance(_ a: String, _ b: String) -> Int {
        Suggestions.levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
    #expect(distance("kitten", "sitting") == 3)
    #expect(distance("", "abc") == 3)
    #expect(distance("port", "port") == 0)
    #expect(Suggestions.levenshtein(Array("aaaaaaaa".unicodeScalars), Array("b".unicodeScalars), bound: 2) == 3)
}
