import BenchmarkSupport
import Inspector
import NIOCore
import Reactor

// Inspector benchmarks: the costs the issue bounds ("well under a millisecond" for a first page,
// "fast" completion on a wide object). Run with
// `swift run -c release manhole-benchmark` once main.swift calls `runInspectorBenchmarks()`.

/// A node of the linked graph benchmark: a chain through `next`, plus ten shared peers each.
private final class GraphNode: @unchecked Sendable {
    let value: Int
    var next: GraphNode?
    var peers: [GraphNode] = []
    init(_ value: Int) { self.value = value }
}

/// An object with many labelled children, as a wide registry entry would have.
private struct WideObject: InspectorRepresentable, Sendable {
    let labels: [String]
    init(width: Int) { labels = (0..<width).map { "field\($0)" } }
    var inspectorSummary: String { "\(labels.count) fields" }
    var inspectorChildren: [(label: String, value: Any)]? { labels.enumerated().map { ($0.element, $0.offset) } }
}

/// A value set by a callback that runs inline on the reactor thread, read right after.
private final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

private func makeGraph(_ count: Int) -> GraphNode {
    let nodes = (0..<count).map(GraphNode.init)
    for index in 0..<count - 1 { nodes[index].next = nodes[index + 1] }
    nodes[count - 1].next = nodes[0]
    for node in nodes { node.peers = Array(nodes.prefix(10)) }
    return nodes[0]
}

/// Runs `body` `warmUp` times, then `iterations` times timing each, and prints the median and
/// 99th percentile in nanoseconds.
private func measure(_ name: String, warmUp: Int = 200, iterations: Int = 5_000, _ body: () -> Void) {
    for _ in 0..<warmUp { body() }
    var samples = Samples(capacity: iterations)
    for _ in 0..<iterations { samples.append(time(body)) }
    print("  \(name): median \(samples.median) ns/op, p99 \(samples.p99) ns/op (\(iterations) iterations)")
}

/// Prints ns per operation for the Inspector's bounded operations: the first page of a
/// 1,000,000-element array and of a 100,000-node linked graph, and completion on an object with
/// 10,000 children (through `Inspector.complete`, read inline on the reactor thread).
func runInspectorBenchmarks() {
    print("Inspector benchmarks (default budgets: depth 2, 20 children, 1000 nodes, 64 KiB)")
    let renderer = Renderer()

    let numbers = Array(0..<1_000_000)
    let arrayPage = renderer.render(numbers, label: "numbers")
    print("- first page of a \(numbers.count)-element array: \(arrayPage.nodeCount) nodes rendered")
    measure("render") { _ = renderer.render(numbers, label: "numbers") }

    let graph = makeGraph(100_000)
    let graphPage = renderer.render(graph, label: "graph")
    print("- first page of a 100000-node linked graph: \(graphPage.nodeCount) nodes rendered")
    measure("render") { _ = renderer.render(graph, label: "graph") }
    let deep = Renderer(options: RenderOptions(maxDepth: 100_000, maxBytes: 10_000_000))
    print("  (unbounded depth, node budget 1000: \(deep.render(graph, label: "graph").nodeCount) nodes rendered)")
    measure("render, depth unbounded", iterations: 1_000) { _ = deep.render(graph, label: "graph") }

    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let wide = WideObject(width: 10_000)
    inspector.register("wide", wide)
    let keyed = Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("key\($0)", $0) })
    inspector.register("keyed", keyed)
    do {
        let counts = try reactor.eventLoop.submit { () -> (Int, Int) in
            let matches = Box(0)
            let keys = Box(0)
            inspector.complete("wide.field999").whenSuccess { matches.value = $0.count }
            inspector.complete("keyed[\"key999").whenSuccess { keys.value = $0.count }
            return (matches.value, keys.value)
        }.wait()
        print("- completion on an object with \(wide.labels.count) children: \(counts.0) candidates for \"wide.field999\"")
        try reactor.eventLoop.submit {
            measure("complete \"wide.field999\"", warmUp: 20, iterations: 500) {
                inspector.complete("wide.field999").whenSuccess { _ in }
            }
        }.wait()
        print("- completion on a dictionary with \(keyed.count) keys: \(counts.1) candidates for \"keyed[\\\"key999\"")
        try reactor.eventLoop.submit {
            measure("complete \"keyed[\\\"key999\"", warmUp: 20, iterations: 500) {
                inspector.complete("keyed[\"key999").whenSuccess { _ in }
            }
        }.wait()
    } catch {
        print("  completion benchmark failed: \(error)")
    }
}
