@testable import Inspector
import Testing

@Test func partialSelectionKeepsTheSmallestInOrder() {
    #expect(Selection.smallest(3, of: [9, 1, 8, 2, 7, 3], by: <) == [1, 2, 3])
    #expect(Selection.smallest(10, of: [2, 1], by: <) == [1, 2])
    #expect(Selection.smallest(0, of: [2, 1], by: <).isEmpty)
}

@Test func countsComeFromTheCollectionNotFromWalkingIt() {
    #expect(Reflected(Array(0..<1_000_000)).knownCount == 1_000_000)
    #expect(Reflected(Set([1, 2])).knownCount == 2)
    #expect(Reflected(["a": 1]).knownCount == 1)
    #expect(Reflected(ServerConfig()).knownCount == 4)
    // A custom mirror might be lazy: its size is not assumed.
    #expect(Reflected(Masked()).knownCount == nil)
}

@Test func optionalsAreUnwrappedBeforeTheShapeIsDecided() {
    let wrapped: String?? = "x"
    guard case .text("x") = Reflected(wrapped as Any).shape else {
        Issue.record("expected text")
        return
    }
    let missing: Int? = nil
    guard case .none(let typeName) = Reflected(missing as Any).shape else {
        Issue.record("expected nil")
        return
    }
    #expect(typeName == "Optional<Int>")
}

@Test func fieldLabelsArePathFriendly() {
    #expect(Reflected.fieldLabel(".0") == "0")
    #expect(Reflected.fieldLabel("$__lazy_storage_$_probe") == "probe")
    #expect(Reflected.fieldLabel("port") == "port")
}
