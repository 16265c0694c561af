import BenchmarkSupport
import Inspector
import NIOCore
import Reactor

// The reactor time of the inspector operations a hostile read-only user would pick, on a host
// that registers a 1,000,000-key dictionary (string keys and keys that can only be scanned), a
// 1,000,000-member set, a 1,000,000-element array and 10,000-entry sorted collections. Each
// operation runs inline on the reactor thread, as a shell command does; the slowest run is what
// a session can make the host wait. Uses only public API, so it runs unchanged on older code.
// `swift run -c release manhole-benchmark --sections hostile-inspector`

/// A key the Inspector can only find by scanning (it cannot be made from text).
private struct OpaqueKey: Hashable, Sendable, CustomStringConvertible {
    var id: Int
    var description: String { "id-\(id)" }
}

/// Runs `operation` on the reactor thread `iterations` times and prints the median and the slowest run.
private func worstCase(_ name: String, on reactor: Reactor, iterations: Int, _ operation: @escaping @Sendable () -> Void) {
    do {
        let samples = try reactor.eventLoop.submit { () -> Samples in
            operation()
            var samples = Samples(capacity: iterations)
            for _ in 0..<iterations { samples.append(time(operation)) }
            return samples
        }.wait()
        let slowest = samples.values.max() ?? 0
        print("  \(name): median \(samples.median / 1_000) µs, slowest \(slowest / 1_000) µs (\(iterations) runs)")
    } catch {
        print("  \(name): failed: \(error)")
    }
}

/// Prints the reactor time of each expensive inspector operation (see the file comment).
func runHostileInspectorBenchmarks() {
    print("Hostile inspector operations (reactor time per command, default budgets)")
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let million = 1_000_000
    inspector.register("strings", Dictionary(uniqueKeysWithValues: (0..<million).map { ("user:\($0)", $0) }))
    inspector.register("opaque", Dictionary(uniqueKeysWithValues: (0..<million).map { (OpaqueKey(id: $0), $0) }))
    inspector.register("set", Set(0..<million))
    inspector.register("array", Array(0..<million))
    inspector.register("sortedSet", Set((0..<10_000).map { "member-\($0)" }))
    inspector.register("sortedDictionary", Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("key-\($0)", $0) }))
    let inspections = [
        "strings[\"nope\"]", "strings[-1]", "opaque[nope]", "opaque[-1]", "strings", "opaque", "set", "set[999999]",
        "array", "array[999999]", "sortedSet", "sortedSet[9999]", "sortedDictionary",
    ]
    for path in inspections {
        worstCase("inspect \(path)", on: reactor, iterations: 20) {
            inspector.inspect(path).whenComplete { _ in }
        }
    }
    for partial in ["strings[\"user:99", "strings[", "opaque[id-99", "opaque[", "set[", "sortedDictionary[\"key-9"] {
        worstCase("complete \(partial)", on: reactor, iterations: 20) {
            inspector.complete(partial).whenComplete { _ in }
        }
    }
}
