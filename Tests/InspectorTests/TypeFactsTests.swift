@testable import Inspector
import Testing

// Two types with the same name in different scopes, with the same labels in different places.
private enum First {
    struct Settings {
        var name = "first"
        var port = 1
    }
}

private enum Second {
    struct Settings {
        var port = 2
        var secure = true
        var name = "second"
    }
}

/// A struct whose mirror lists different children for different values.
private struct Shifting: CustomReflectable {
    var wide: Bool
    var customMirror: Mirror {
        wide ? Mirror(self, children: ["a": 1, "b": 2], displayStyle: .struct) : Mirror(self, children: ["b": 3], displayStyle: .struct)
    }
}

private struct One { var a = 1 }
private struct Two { var b = 2 }
private struct Three { var c = 3 }
private struct Four { var d = 4 }

private struct Fields {
    var a = 1, b = 2, c = 3, d = 4
}

private func resolve(_ root: Any, _ path: String, steps: Int = .max) throws(PathError) -> Any {
    try PathResolver.resolve(
        root, path: InspectorPath(parsing: path), budget: WorkBudget(WorkLimit(time: .seconds(3_600), steps: steps)))
}

@Suite("Type facts: what is learned once per type stays true for every value of it")
struct TypeFactsTests {
    @Test("Two types with the same name in different scopes keep their own fields, in their own order")
    func sameNameDifferentScopes() throws {
        for _ in 0..<2 {  // the second round reads what the first one cached
            #expect(try resolve(First.Settings(), "s.port") as? Int == 1)
            #expect(try resolve(Second.Settings(), "s.port") as? Int == 2)
            #expect(try resolve(First.Settings(), "s.name") as? String == "first")
            #expect(try resolve(Second.Settings(), "s.name") as? String == "second")
            #expect(throws: PathError.self) { try resolve(First.Settings(), "s.secure") }
            let first = Renderer().render(First.Settings(), label: "s").root
            let second = Renderer().render(Second.Settings(), label: "s").root
            #expect(first.typeName == "Settings" && second.typeName == "Settings")
            #expect(first.children.map(\.label) == ["name", "port"])
            #expect(second.children.map(\.label) == ["port", "secure", "name"])
            #expect(second.children.map(\.summary) == ["2", "true", "\"second\""])
        }
    }

    @Test("A struct with a custom mirror is reflected value by value, never from what another value showed")
    func customMirrorsAreNotCached() throws {
        for _ in 0..<2 {
            #expect(try resolve(Shifting(wide: true), "s.a") as? Int == 1)
            #expect(throws: PathError.self) { try resolve(Shifting(wide: false), "s.a") }
            #expect(try resolve(Shifting(wide: false), "s.b") as? Int == 3)
            #expect(Reflected(Shifting(wide: false)).knownCount == nil)
        }
        #expect(TypeFactsCache.shared.facts(of: Shifting.self) == nil)
    }

    @Test("Reading a field by its cached place charges the steps the scan would: one per field up to it, all when absent")
    func cachedFieldsChargeLikeTheScan() throws {
        _ = try resolve(Fields(), "f.a")  // learn the type
        let budget = WorkBudget(.unlimited)
        _ = try PathResolver.resolve(Fields(), path: InspectorPath(parsing: "f.c"), budget: budget)
        #expect(budget.spent == 3)
        #expect(try resolve(Fields(), "f.d", steps: 4) as? Int == 4)
        #expect(throws: PathError.self) { try resolve(Fields(), "f.d", steps: 3) }
        let missing = WorkBudget(.unlimited)
        #expect(throws: PathError.self) {
            try PathResolver.resolve(Fields(), path: InspectorPath(parsing: "f.e"), budget: missing)
        }
        #expect(missing.spent >= 4)
    }

    @Test("The cache is bounded: past its capacity, types are answered the same but not remembered")
    func theCacheIsBounded() {
        let cache = TypeFactsCache(capacity: 2)
        let values: [Any] = [One(), Two(), Three(), Four()]
        for _ in 0..<2 {
            for value in values {
                let reflected = Reflected(value, facts: cache)
                #expect(reflected.knownCount == 1)
                #expect(reflected.fields?.labels.count == 1)
                var labels: [String] = []
                reflected.forEachChildLabel { labels.append($0); return true }
                #expect(labels.count == 1)
                #expect(!cache.name(of: type(of: value)).isEmpty)
            }
        }
        #expect(cache.counts.facts == 2)
        #expect(cache.counts.names == 2)
        #expect(cache.facts(of: One.self) != nil && cache.facts(of: Four.self) == nil)
        #expect(cache.name(of: Four.self) == "Four")
    }
}
