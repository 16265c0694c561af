import BenchmarkSupport
import Inspector
import NIOCore
import Reactor

// Inspector benchmarks: the costs the issues bound ("well under a millisecond" for a first page;
// issue 17: a 3-segment path <= 5 µs of reactor time, completion on 10,000 children <= 0.2 ms),
// each printed beside its baseline (plain property access, a hand-written Mirror walk, the host's
// own children-building, a plain Swift prefix scan) and its target. Reactor time is measured
// inline on the reactor thread, one submit around all the iterations. Run with
// `swift build -c release --product manhole-benchmark &&
//  .build/x86_64-unknown-linux-gnu/release/manhole-benchmark --sections inspector`.

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

/// The demo's `config` entry, reduced to the shape `inspect config.retry.attempts` walks: a struct
/// with a struct field holding an `Int` (and siblings, so the walk has fields to pass over).
private struct BenchConfig: Sendable {
    struct Retry: Sendable {
        var attempts = 3
        var backoffMilliseconds = 100
    }
    var port = 8080
    var workers = 4
    var upstream = "https://payments.internal:8443"
    var timeouts: [String: Int] = ["connect": 500, "request": 2_000, "checkout": 5_000]
    var features: [String: Bool] = ["new-checkout": true, "fraud-scoring": false, "bulk-export": true]
    var retry = Retry()
}

/// Runs `body` `warmUp` times, then `iterations` times timing each, and prints the median and
/// 99th percentile in nanoseconds; returns the median.
@discardableResult
private func measure(_ name: String, warmUp: Int = 200, iterations: Int = 5_000, _ body: () -> Void) -> Int {
    for _ in 0..<warmUp { body() }
    var samples = Samples(capacity: iterations)
    for _ in 0..<iterations { samples.append(time(body)) }
    print("  \(name): median \(samples.median) ns/op, p99 \(samples.p99) ns/op (\(iterations) iterations)")
    return samples.median
}

/// `nanoseconds` as microseconds with two decimals.
private func micros(_ nanoseconds: Int) -> String { String(format: "%.2f µs", Double(nanoseconds) / 1_000) }

/// A plain Swift read the optimizer cannot fold: the value comes through a non-inlined call.
@inline(never)
private func plainAttempts(_ config: Box<BenchConfig>) -> Int { config.value.retry.attempts }

/// The same read, walking `Mirror`s by label as a hand-written reflective inspector would.
@inline(never)
private func mirrorAttempts(_ config: Any) -> Any? {
    guard let retry = Mirror(reflecting: config).children.first(where: { $0.label == "retry" })?.value else { return nil }
    return Mirror(reflecting: retry).children.first(where: { $0.label == "attempts" })?.value
}

/// Prints the reactor time of `inspect config.retry.attempts` (entry -> struct field -> struct
/// field -> Int: parse, resolve, render) beside plain property access, a hand-written `Mirror`
/// walk and the 5 µs target, all measured inline on the reactor thread in one submit.
private func runPathBenchmarks(_ inspector: Inspector, _ reactor: Reactor) throws {
    let config = Box(BenchConfig())
    inspector.register("config", config.value)
    let path = "config.retry.attempts"
    let rendered = try reactor.eventLoop.submit { () -> String in
        let text = Box("")
        inspector.inspect(path).whenSuccess { text.value = "\($0.root.typeName) \($0.root.summary)" }
        return text.value
    }.wait()
    print("- a 3-segment path, \"\(path)\" (renders \(rendered)), reactor time:")
    let sink = Box(0)
    let (plain, mirror, inspect, complete) = try reactor.eventLoop.submit { () -> (Int, Int, Int, Int) in
        let plain = measure("plain Swift property access", warmUp: 1_000, iterations: 20_000) {
            sink.value &+= plainAttempts(config)
        }
        let mirror = measure("hand-written Mirror walk", warmUp: 1_000, iterations: 20_000) {
            if mirrorAttempts(config.value) != nil { sink.value &+= 1 }
        }
        let inspect = measure("inspect \"\(path)\"", warmUp: 1_000, iterations: 20_000) {
            inspector.inspect(path).whenSuccess { _ in sink.value &+= 1 }
        }
        let complete = measure("complete \"config.retry.att\"", warmUp: 1_000, iterations: 20_000) {
            inspector.complete("config.retry.att").whenSuccess { _ in sink.value &+= 1 }
        }
        return (plain, mirror, inspect, complete)
    }.wait()
    let target = 5_000
    print("  inspect: \(micros(inspect)); target 5 µs: \(formatRatio(inspect, target)) of it")
    print("    \(formatRatio(inspect, mirror)) the Mirror walk (\(micros(mirror))), \(formatRatio(inspect, max(1, plain))) plain access (\(plain) ns)")
    print("  complete: \(micros(complete)); \(formatRatio(complete, target)) of 5 µs")
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
        try runPathBenchmarks(inspector, reactor)
        let counts = try reactor.eventLoop.submit { () -> (Int, Int) in
            let matches = Box(0)
            let keys = Box(0)
            inspector.complete("wide.field999").whenSuccess { matches.value = $0.count }
            inspector.complete("keyed[\"key999").whenSuccess { keys.value = $0.count }
            return (matches.value, keys.value)
        }.wait()
        print("- completion on an object with \(wide.labels.count) children: \(counts.0) candidates for \"wide.field999\"")
        let target = 200_000
        let (host, wideComplete) = try reactor.eventLoop.submit { () -> (Int, Int) in
            let host = measure("host's own children array (wide.inspectorChildren alone)", warmUp: 20, iterations: 500) {
                _ = wide.inspectorChildren
            }
            let complete = measure("complete \"wide.field999\"", warmUp: 20, iterations: 500) {
                inspector.complete("wide.field999").whenSuccess { _ in }
            }
            return (host, complete)
        }.wait()
        print("  complete: \(micros(wideComplete)), of which the host's children array \(micros(host)) (\(formatRatio(host, wideComplete))); target 200 µs: \(formatRatio(wideComplete, target)) of it (without the host's share: \(formatRatio(max(0, wideComplete - host), target)))")
        print("- completion on a dictionary with \(keyed.count) keys: \(counts.1) candidates for \"keyed[\\\"key999\"")
        let (plainKeys, keyedComplete) = try reactor.eventLoop.submit { () -> (Int, Int) in
            let plain = measure("plain Swift: keys with the prefix, sorted", warmUp: 20, iterations: 500) {
                _ = keyed.keys.filter { $0.hasPrefix("key999") }.sorted()
            }
            let complete = measure("complete \"keyed[\\\"key999\"", warmUp: 20, iterations: 500) {
                inspector.complete("keyed[\"key999").whenSuccess { _ in }
            }
            return (plain, complete)
        }.wait()
        print("  complete: \(micros(keyedComplete)); \(formatRatio(keyedComplete, plainKeys)) the plain Swift scan (\(micros(plainKeys))); target 200 µs: \(formatRatio(keyedComplete, target)) of it")
    } catch {
        print("  completion benchmark failed: \(error)")
    }
}
