import Testing
import Inspector

// MARK: - Fixtures

struct ServerConfig {
    var port = 8080
    var host = "localhost"
    var owner: String? = nil
    var backup: String? = "b-1"
}

class Animal: @unchecked Sendable {
    var name = "rex"
}

final class Dog: Animal, @unchecked Sendable {
    var goodBoy = true
}

enum Phase {
    case idle
    case running(Int)
    case done(at: Int)
    case failed(reason: String, code: Int)
}

enum Level: CustomStringConvertible {
    case high
    var description: String { "HIGH!" }
}

struct Money: CustomStringConvertible {
    var cents = 1234
    var description: String { "$12.34" }
}

struct Masked: CustomReflectable {
    var secret = "hunter2"
    var visible = 3
    var customMirror: Mirror { Mirror(self, children: ["visible": visible, "note": "masked"], displayStyle: .struct) }
}

struct Pool: InspectorRepresentable {
    var active = [1, 2, 3]
    var inspectorSummary: String { "3 active" }
    var inspectorChildren: [(label: String, value: Any)]? { [("first", active[0]), ("all", active)] }
}

struct Plain: InspectorRepresentable {
    var x = 1
    var inspectorSummary: String { "just x" }
}

final class LinkNode: @unchecked Sendable {
    var value: Int
    var next: LinkNode?
    var peers: [LinkNode] = []
    init(_ value: Int) { self.value = value }

    /// Breaks the cycles through `next` and `peers` from `start` on, one node at a time (the
    /// fixtures must not leak: the suite runs under LeakSanitizer).
    static func unlink(_ start: LinkNode) {
        var node: LinkNode? = start
        while let current = node {
            node = current.next
            current.next = nil
            current.peers = []
        }
    }
}

actor Counter {
    var hits = 2
}

/// A linked graph of `count` nodes: a chain through `next`, every node also pointing at the
/// first ten nodes, and the last node pointing back at the first.
func makeGraph(_ count: Int) -> LinkNode {
    let nodes = (0..<count).map(LinkNode.init)
    for index in 0..<count - 1 { nodes[index].next = nodes[index + 1] }
    nodes[count - 1].next = nodes[0]
    for node in nodes { node.peers = Array(nodes.prefix(10)) }
    return nodes[0]
}

private func text(_ value: Any, _ label: String = "x", _ options: RenderOptions = RenderOptions()) -> String {
    Renderer(options: options).render(value, label: label).plainText
}

// MARK: - Values

@Test func aStructShowsItsFieldsWithOptionalsUnwrappedAndNilShown() {
    #expect(
        text(ServerConfig(), "config") == """
            config: ServerConfig (4 fields)
              port: Int = 8080
              host: String = "localhost"
              owner: Optional<String> = nil
              backup: String = "b-1"

            """)
}

@Test func aClassShowsInheritedFieldsFirst() {
    #expect(
        text(Dog(), "dog") == """
            dog: Dog (2 fields)
              name: String = "rex"
              goodBoy: Bool = true

            """)
}

@Test func enumsShowTheirCaseAndPayloadLabels() {
    let phases: [Phase] = [.idle, .running(4), .done(at: 9), .failed(reason: "disk", code: 28)]
    #expect(
        text(phases, "phases", RenderOptions(maxDepth: 3)) == """
            phases: Array<Phase> (4 elements)
              [0]: Phase = .idle
              [1]: Phase = .running
                running: Int = 4
              [2]: Phase = .done
                at: Int = 9
              [3]: Phase = .failed
                reason: String = "disk"
                code: Int = 28

            """)
}

@Test func tuplesShowTheirLabelsAndPositions() {
    #expect(
        text((1, name: "x"), "pair") == """
            pair: (Int, name: String) (2 elements)
              0: Int = 1
              name: String = "x"

            """)
}

@Test func aNilOptionalAtTheTopShowsItsOptionalType() {
    let missing: Int? = nil
    #expect(text(missing as Any, "missing") == "missing: Optional<Int> = nil\n")
    #expect(text(Optional(Optional(5)) as Any, "nested") == "nested: Int = 5\n")
}

@Test func dictionariesWithComparableKeysAreSortedByKey() {
    let cache = ["user:42": 1, "user:7": 2, "admin": 3]
    #expect(
        text(cache, "cache") == """
            cache: Dictionary<String, Int> (3 entries)
              ["admin"]: Int = 3
              ["user:42"]: Int = 1
              ["user:7"]: Int = 2

            """)
    #expect(
        text([3: "c", 1: "a", 2: "b"], "byID") == """
            byID: Dictionary<Int, String> (3 entries)
              [1]: String = "a"
              [2]: String = "b"
              [3]: String = "c"

            """)
}

@Test func setsAreShownInOrderWhenTheirMembersAreComparable() {
    #expect(
        text(Set([30, 10, 20]), "ids") == """
            ids: Set<Int> (3 members)
              [0]: Int = 10
              [1]: Int = 20
              [2]: Int = 30

            """)
}

@Test func stringsAreQuotedEscapedAndTruncatedWithTheirFullLength() {
    #expect(text("tab\there \"quoted\" back\\slash\nnew\u{1B}", "s") == #"s: String = "tab\there \"quoted\" back\\slash\nnew\u{1B}""# + "\n")
    let long = String(repeating: "ab", count: 50)
    #expect(
        text(long, "s", RenderOptions(maxStringLength: 10)) == #"s: String = "ababababab…" (100 characters)"# + "\n")
    let huge = String(repeating: "é", count: 40_000)
    #expect(text(huge, "s", RenderOptions(maxStringLength: 3)) == #"s: String = "ééé…" (80000 bytes)"# + "\n")
}

@Test func customStringConvertibleValuesShowTheirDescription() {
    #expect(text(Level.high, "level") == "level: Level = HIGH!\n")
    #expect(
        text(Money(), "price") == """
            price: Money = $12.34
              cents: Int = 1234

            """)
}

@Test func customReflectableValuesShowTheirOwnMirror() {
    #expect(
        text(Masked(), "masked") == """
            masked: Masked (2 fields)
              visible: Int = 3
              note: String = "masked"

            """)
}

@Test func inspectorRepresentableValuesSupplyTheirSummaryAndChildren() {
    #expect(
        text(Pool(), "pool") == """
            pool: Pool = 3 active
              first: Int = 1
              all: Array<Int> (3 elements)
                [0]: Int = 1
                [1]: Int = 2
                [2]: Int = 3

            """)
    #expect(
        text(Plain(), "plain") == """
            plain: Plain = just x
              x: Int = 1

            """)
}

@Test func anActorShowsItsStoredPropertiesWithoutItsRuntimeStorage() async {
    let counter = Counter()
    let rendered = await counter.render()
    #expect(
        rendered == """
            counter: Counter (1 field)
              hits: Int = 2

            """)
}

extension Counter {
    func render() -> String { Renderer().render(self, label: "counter").plainText }
}

// MARK: - Cycles and shared objects

@Test func aCycleIsShownAsAReferenceToTheAncestorAndNotFollowed() {
    let first = LinkNode(1)
    let second = LinkNode(2)
    first.next = second
    second.next = first
    defer { LinkNode.unlink(first) }
    #expect(
        text(first, "ring", RenderOptions(maxDepth: 10)) == """
            ring: LinkNode (3 fields)
              value: Int = 1
              next: LinkNode (3 fields)
                value: Int = 2
                next: LinkNode → ring (cycle)
                peers: Array<LinkNode> (0 elements)
              peers: Array<LinkNode> (0 elements)

            """)
}

@Test func anObjectSeenTwiceIsShownOnceAndThenReferenced() {
    let shared = LinkNode(5)
    let holder = [shared, shared]
    #expect(
        text(holder, "pair") == """
            pair: Array<LinkNode> (2 elements)
              [0]: LinkNode (3 fields)
                value: Int = 5
                next: Optional<LinkNode> = nil
                peers: Array<LinkNode> (0 elements)
              [1]: LinkNode → pair[0] (shown above)

            """)
}

@Test func aSelfReferenceIsACycleToItself() {
    let node = LinkNode(0)
    node.next = node
    defer { LinkNode.unlink(node) }
    let rendering = Renderer().render(node, label: "me")
    #expect(rendering.root.children[1].reference == RenderedNode.Reference(path: "me", isCycle: true))
}

// MARK: - Budgets

@Test func nodesBelowTheDepthBudgetAreMarkedAndNotRead() {
    #expect(
        text(["a": ServerConfig()], "configs", RenderOptions(maxDepth: 1)) == """
            configs: Dictionary<String, ServerConfig> (1 entry)
              ["a"]: ServerConfig (4 fields) …

            """)
    let top = Renderer(options: RenderOptions(maxDepth: 0)).render(ServerConfig(), label: "c").root
    #expect(top.truncation == .depth)
    #expect(top.moreChildren == 4)
    #expect(top.children.isEmpty)
}

@Test func childrenBeyondTheChildBudgetAreCounted() {
    #expect(
        text(Array(1...5), "list", RenderOptions(maxChildren: 2)) == """
            list: Array<Int> (5 elements)
              [0]: Int = 1
              [1]: Int = 2
              … 3 more

            """)
}

@Test func theNodeBudgetStopsTheWholeRenderingWithAMarker() {
    let rendering = Renderer(options: RenderOptions(maxNodes: 4)).render([[1, 2, 3], [4, 5, 6]], label: "grid")
    #expect(rendering.nodeCount == 4)
    #expect(rendering.exhaustedBudget == .nodes)
    #expect(
        rendering.plainText == """
            grid: Array<Array<Int>> (2 elements)
              [0]: Array<Int> (3 elements)
                [0]: Int = 1
                [1]: Int = 2
                … 1 more (node budget reached)
              … 1 more (node budget reached)

            """)
}

@Test func theByteBudgetStopsTheRenderingWithAMarker() {
    let words = (0..<100).map { "word number \($0)" }
    let rendering = Renderer(options: RenderOptions(maxChildren: 100, maxBytes: 200)).render(words, label: "words")
    #expect(rendering.exhaustedBudget == .bytes)
    #expect(rendering.byteCount <= 200)
    #expect(rendering.root.truncation == .bytes)
    #expect(rendering.root.moreChildren == 100 - rendering.root.children.count)
    #expect(rendering.plainText.hasSuffix("  … \(100 - rendering.root.children.count) more (byte budget reached)\n"))
}

@Test func aMillionElementArrayRendersOnlyItsFirstPage() {
    let numbers = Array(0..<1_000_000)
    let rendering = Renderer().render(numbers, label: "numbers")
    #expect(rendering.nodeCount == 21)
    #expect(rendering.root.summary == "1000000 elements")
    #expect(rendering.root.children.count == 20)
    #expect(rendering.root.children.last?.summary == "19")
    #expect(rendering.root.moreChildren == 999_980)
    #expect(rendering.root.truncation == .children)
    #expect(rendering.plainText.hasSuffix("  [19]: Int = 19\n  … 999980 more\n"))
}

@Test func aHundredThousandNodeGraphRendersOnlyWhatTheBudgetsAllow() {
    let graph = makeGraph(100_000)
    defer { LinkNode.unlink(graph) }
    let firstPage = Renderer().render(graph, label: "graph")
    // The node, its 3 fields, the 10 peers of `peers` and the 3 fields of `next`.
    #expect(firstPage.nodeCount == 17)
    #expect(firstPage.exhaustedBudget == nil)
    let deep = Renderer(options: RenderOptions(maxDepth: 100_000, maxBytes: 10_000_000)).render(graph, label: "graph")
    #expect(deep.nodeCount == 1_000)
    #expect(deep.exhaustedBudget == .nodes)
    // Depth first: the chain through `next` uses the budget; the top's `peers` are counted, not read.
    #expect(deep.root.children.map(\.label) == ["value", "next"])
    #expect(deep.root.truncation == .nodes)
    #expect(deep.root.moreChildren == 1)
    // The first peer is the graph itself, the second its `next`: references, not second walks.
    let peers = firstPage.root.children[2]
    #expect(peers.children[0].reference == RenderedNode.Reference(path: "graph", isCycle: true))
    #expect(peers.children[1].reference == RenderedNode.Reference(path: "graph.next", isCycle: false))
    #expect(peers.children[2].reference == RenderedNode.Reference(path: "graph.next.next", isCycle: false))
    #expect(peers.children[3].typeName == "LinkNode")
    #expect(peers.children[3].truncation == .depth)
    #expect(peers.children.count == 10)
}

@Test func aHugeDictionaryShowsItsFirstEntriesUnsortedWithANote() {
    let big = Dictionary(uniqueKeysWithValues: (0..<20_000).map { ($0, $0) })
    let rendering = Renderer(options: RenderOptions(maxChildren: 3)).render(big, label: "big")
    #expect(rendering.root.summary == "20000 entries")
    #expect(rendering.root.children.count == 3)
    #expect(rendering.root.moreChildren == 19_997)
    #expect(rendering.root.note == "first 3 in storage order: more than 10000 entries to sort")
    #expect(rendering.plainText.hasPrefix("big: Dictionary<Int, Int> (20000 entries) [first 3 in storage order: more than 10000 entries to sort]\n"))
}
