import Testing
@testable import Reactor

@Suite("OrderedRegistry")
struct OrderedRegistryTests {
    @Test("Entries stay in id order across appends, out-of-order inserts and removals")
    func order() {
        var registry = OrderedRegistry<String>()
        for id in [1, 2, 5, 9] { registry.insert("v\(id)", id: id) }
        registry.insert("v3", id: 3)
        #expect(registry.remove(id: 2) == "v2")
        #expect(registry.remove(id: 2) == nil)
        #expect(registry.first(10) == ["v1", "v3", "v5", "v9"])
        #expect(registry.first(2) == ["v1", "v3"])
        #expect(registry.count == 4)
        #expect(registry.value(id: 5) == "v5")
        #expect(registry.update(id: 9) { value in value += "!" } != nil)
        #expect(registry.value(id: 9) == "v9!")
        #expect(registry.update(id: 4) { _ in } == nil)
    }

    @Test("Heavy churn compacts the holes and keeps lookups right")
    func churn() {
        var registry = OrderedRegistry<Int>()
        for id in 1...10_000 { registry.insert(id, id: id) }
        for id in stride(from: 1, through: 10_000, by: 2) { registry.remove(id: id) }
        #expect(registry.count == 5_000)
        #expect(registry.first(3) == [2, 4, 6])
        #expect(registry.value(id: 9_998) == 9_998)
        #expect(registry.value(id: 9_999) == nil)
        #expect(registry.all.count == 5_000)
    }

    @Test("A filter skips values without counting them against the limit")
    func filteredPage() {
        var registry = OrderedRegistry<Int>()
        for id in 1...20 { registry.insert(id, id: id) }
        #expect(registry.first(3) { $0 % 5 == 0 } == [5, 10, 15])
    }
}
