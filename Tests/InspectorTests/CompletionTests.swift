import Inspector
import Reactor
import Testing

/// An object with `count` labelled children `field0`, `field1`, ….
struct Wide: InspectorRepresentable, Sendable {
    let count: Int
    var inspectorSummary: String { "\(count) fields" }
    var inspectorChildren: [(label: String, value: Any)]? { (0..<count).map { ("field\($0)", $0) } }
}

/// An inspector with a few entries on a fresh reactor; the caller stops the reactor.
private func shopInspector() -> (Reactor, Inspector) {
    let reactor = Reactor()
    // No work limit: these tests check what completion finds, not when it stops (WorkLimitTests).
    let inspector = Inspector(reactor: reactor, configuration: .init(renderOptions: RenderOptions().withWorkLimit(.unlimited)))
    inspector.register("shop", Shop())
    inspector.register("shopKeeper", "ada")
    inspector.register("wide", Wide(count: 10_000))
    inspector.register("list", Array(0..<30))
    return (reactor, inspector)
}

@Test func aBareWordCompletesToEntryNames() async throws {
    let (reactor, inspector) = shopInspector()
    defer { reactor.stop() }
    #expect(try await inspector.complete("sh") == ["shop", "shopKeeper"])
    #expect(try await inspector.complete("") == ["list", "shop", "shopKeeper", "wide"])
    #expect(try await inspector.complete("x").isEmpty)
}

@Test func aDotCompletesToChildNamesSorted() async throws {
    let (reactor, inspector) = shopInspector()
    defer { reactor.stop() }
    #expect(try await inspector.complete("shop.c") == ["shop.cache", "shop.config"])
    #expect(try await inspector.complete("shop.config.") == [
        "shop.config.backup", "shop.config.host", "shop.config.owner", "shop.config.port",
    ])
    #expect(try await inspector.complete("shop.jobs.") == ["shop.jobs.count"])
    #expect(try await inspector.complete("shop.jobs[2].phase.") == [
        "shop.jobs[2].phase.code", "shop.jobs[2].phase.failed", "shop.jobs[2].phase.reason",
    ])
}

@Test func aBracketCompletesToIndexesOfShortCollectionsAndToKeys() async throws {
    let (reactor, inspector) = shopInspector()
    defer { reactor.stop() }
    #expect(try await inspector.complete("shop.jobs[") == ["shop.jobs[0]", "shop.jobs[1]", "shop.jobs[2]"])
    #expect(try await inspector.complete("shop.cache[\"us") == ["shop.cache[\"user:42\"]", "shop.cache[\"user:7\"]"])
    #expect(try await inspector.complete("shop.byID[") == ["shop.byID[7]"])
    // Thirty elements is more than a short collection: no index list.
    #expect(try await inspector.complete("list[").isEmpty)
}

@Test func aPathThatDoesNotResolveHasNoCompletions() async throws {
    let (reactor, inspector) = shopInspector()
    defer { reactor.stop() }
    #expect(try await inspector.complete("shop.nothing.").isEmpty)
    #expect(try await inspector.complete("nope.").isEmpty)
    #expect(try await inspector.complete("shop.[").isEmpty)
}

@Test func completionOnAWideObjectFiltersItsTenThousandChildren() async throws {
    let (reactor, inspector) = shopInspector()
    defer { reactor.stop() }
    let candidates = try await inspector.complete("wide.field999")
    #expect(candidates == ["wide.field999"] + (0...9).map { "wide.field999\($0)" })
    #expect(try await inspector.complete("wide.").count == 100)
}
