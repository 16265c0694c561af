@testable import Inspector
import Reactor
import Synchronization
import Testing

/// A key the Inspector can only find by scanning (not made from text): counts how often it is
/// described, which is what a scan does to every key it passes.
struct ScannedKey: Hashable, Sendable, CustomStringConvertible {
    static let descriptions = Atomic<Int>(0)
    var id: Int
    var description: String {
        Self.descriptions.add(1, ordering: .relaxed)
        return "key-\(id)"
    }
}

/// A key made from text (`LosslessStringConvertible`): a hashed lookup finds it, or proves it absent.
struct TextKey: Hashable, Sendable, LosslessStringConvertible {
    static let descriptions = Atomic<Int>(0)
    var name: String
    init(name: String) { self.name = name }
    init?(_ description: String) { name = description }
    var description: String {
        Self.descriptions.add(1, ordering: .relaxed)
        return name
    }
}

private func limited(_ steps: Int) -> WorkLimit { WorkLimit(time: .seconds(3_600), steps: steps) }

private func resolve(_ root: Any, _ path: String, steps: Int, sortLimit: Int = 10_000) throws(PathError) -> Any {
    try PathResolver.resolve(
        root, path: InspectorPath(parsing: path), sortLimit: sortLimit, budget: WorkBudget(limited(steps)))
}

@Suite("Work limits: every scan stops when its budget runs out", .serialized)
struct WorkLimitTests {
    @Test("A work limit given to RenderOptions as a duration bounds time only; the default is 5 ms")
    func durationWorkLimit() {
        #expect(RenderOptions(workLimit: .milliseconds(7)).workLimit == WorkLimit(time: .milliseconds(7), steps: .max))
        #expect(RenderOptions().workLimit == WorkLimit(time: .milliseconds(5), steps: .max))
        #expect(RenderOptions(workLimit: .seconds(-1)).workLimit.time == .zero)
    }

    @Test("A miss on a dictionary whose keys cannot be made from text stops after the budgeted keys and says so")
    func missScanStops() throws {
        let big = Dictionary(uniqueKeysWithValues: (0..<1_000).map { (ScannedKey(id: $0), $0) })
        #expect(
            throws: PathError.workLimitReached(
                at: "big", typeName: "Dictionary<ScannedKey, Int>", offset: 3, scanned: 100, total: 1_000, noun: "keys")
        ) { try resolve(big, "big[nope]", steps: 100) }
        let stop = PathError.workLimitReached(
            at: "big", typeName: "Dictionary<ScannedKey, Int>", offset: 3, scanned: 100, total: 1_000, noun: "keys")
        #expect(stop.description.contains("stopped after scanning 100 of 1000 keys (work limit)"))
        // Within budget, the scan still finds keys that exist.
        #expect(try resolve(big, "big[key-7]", steps: .max) as? Int == 7)
    }

    @Test("A key or a negative index on an array or a set is refused at once: their children have no labels to scan")
    func keyOnCollectionScansNothing() throws {
        let array = Array(0..<100_000)
        let set = Set(0..<100_000)
        for (root, typeName) in [(array as Any, "Array<Int>"), (set as Any, "Set<Int>")] {
            for segment in ["-1", "\"nope\"", "nope"] {
                #expect(throws: PathError.notSubscriptable(segment: "[\(segment)]", at: "c", typeName: typeName, offset: 1)) {
                    try resolve(root, "c[\(segment)]", steps: 0)
                }
            }
        }
    }

    @Test("A miss on a dictionary keyed by text-made keys is decided by hashing: no key is described")
    func textKeyMissScansNothing() throws {
        let big = Dictionary(uniqueKeysWithValues: (0..<10_000).map { (TextKey(name: "k\($0)"), $0) })
        TextKey.descriptions.store(0, ordering: .relaxed)
        #expect(throws: PathError.self) { try resolve(big, "big[nope]", steps: 0) }
        #expect(TextKey.descriptions.load(ordering: .relaxed) <= 1, "the lookup described the keys it scanned")
        #expect(try resolve(big, "big[k42]", steps: 0) as? Int == 42)
        let strings = Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("k\($0)", $0) })
        #expect(throws: PathError.noSuchKey(key: "nope", at: "s", typeName: "Dictionary<String, Int>", offset: 1, suggestions: [])) {
            try resolve(strings, "s[nope]", steps: 0)
        }
        #expect(throws: PathError.noSuchKey(key: "-1", at: "s", typeName: "Dictionary<String, Int>", offset: 1, suggestions: [])) {
            try resolve(strings, "s[-1]", steps: 0)
        }
    }

    @Test("Reaching a late index of a set too large to sort walks within budget, then stops and says so")
    func setIndexWalkStops() throws {
        let members = Set(0..<100_000)
        #expect(
            throws: PathError.workLimitReached(
                at: "s", typeName: "Set<Int>", offset: 1, scanned: 1_000, total: 100_000, noun: "members")
        ) { try resolve(members, "s[99999]", steps: 1_000, sortLimit: 10) }
        #expect(try resolve(members, "s[999]", steps: 1_000, sortLimit: 10) is Int)
        // A sortable set is indexed in key order: a selection, charged per comparison.
        let sorted = Set((0..<5_000).shuffled())
        for rank in [0, 63, 64, 2_500, 4_321, 4_999] {
            #expect(try resolve(sorted, "s[\(rank)]", steps: .max) as? Int == rank)
        }
        #expect(throws: PathError.self) { try resolve(sorted, "s[4321]", steps: 100) }
        for rank in [0, 1, 17, 99] {
            #expect(Selection.element(ofRank: rank, of: (0..<100).shuffled(), budget: .unlimited, by: <) == rank)
        }
    }

    @Test("Counting the characters of a long string stops at the work limit and says so")
    func longStringCountStops() throws {
        let text = String(repeating: "é", count: 1_000_000)
        #expect(
            throws: PathError.workLimitReached(at: "t", typeName: "String", offset: 1, scanned: 6_400, total: nil, noun: "characters")
        ) { try resolve(text, "t.count", steps: 100) }
        #expect(try resolve(text, "t.count", steps: .max) as? Int == 1_000_000)
    }

    @Test("A sorted page whose sorting would overrun half the budget is shown in storage order, marked")
    func sortingSkipped() {
        let members = Set((0..<5_000).map { "member-\($0)" })
        let options = RenderOptions(maxDepth: 1, maxChildren: 5).withWorkLimit(limited(2_000))
        let text = Renderer(options: options).render(members, label: "s").plainText
        #expect(text.contains("[first 5 in storage order: sorting skipped (work limit)]"), "\(text)")
        let sorted = Renderer(options: RenderOptions(maxDepth: 1, maxChildren: 5).withWorkLimit(limited(20_000)))
            .render(members, label: "s").plainText
        #expect(sorted.contains("[0]: String = \"member-0\"\n  [1]: String = \"member-1\"\n"), "\(sorted)")
    }

    @Test("A rendering that runs out of work stops and marks where")
    func renderingStops() {
        let options = RenderOptions(maxDepth: 1, maxChildren: 100).withWorkLimit(limited(10))
        let rendering = Renderer(options: options).render(Array(0..<100), label: "a")
        #expect(rendering.exhaustedBudget == .work)
        #expect(rendering.nodeCount == 11)
        #expect(rendering.plainText.hasSuffix("  … 90 more (work limit reached)\n"), "\(rendering.plainText)")
    }

    @Test("Completion on a huge dictionary returns what its budget allowed it to scan")
    func completionStops() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let keys = Dictionary(uniqueKeysWithValues: (0..<1_000).map { ($0, $0) })
        let bounded = Inspector(
            reactor: reactor, configuration: .init(renderOptions: RenderOptions().withWorkLimit(limited(50)), maxCompletions: 1_000))
        bounded.register("d", keys)
        let few = try await bounded.complete("d[")
        #expect(few.count <= 50)
        let unbounded = Inspector(
            reactor: reactor, configuration: .init(renderOptions: RenderOptions().withWorkLimit(.unlimited), maxCompletions: 1_000))
        unbounded.register("d", keys)
        #expect(try await unbounded.complete("d[").count == 1_000)
    }

    @Test("Suggestions stop comparing names when the budget runs out, and skip names too long to compare")
    func suggestionsStop() {
        let names = (0..<1_000).map { "name\($0)" }
        let budget = WorkBudget(limited(10))
        _ = Suggestions.closest(to: "name", among: names, budget: budget)
        #expect(budget.isExhausted)
        #expect(budget.spent <= 10 + 2)
        #expect(Suggestions.closest(to: String(repeating: "n", count: 300), among: names).isEmpty)
    }

    @Test("A budget counts steps, and a share of it stops without ending its parent")
    func budgetArithmetic() {
        let budget = WorkBudget(limited(100))
        #expect(budget.spend(60))
        let share = budget.share(0.5)
        #expect(share.spend(20))
        #expect(!share.spend(1))
        #expect(budget.spent == 80)
        #expect(budget.spend(20))
        #expect(!budget.spend(1))
        #expect(!budget.spend(.max))
        #expect(WorkBudget(limited(.max)).spend(.max))
    }
}
