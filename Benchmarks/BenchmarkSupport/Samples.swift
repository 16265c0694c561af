import Foundation
import NIOCore

/// Latency samples in nanoseconds and the figures the benchmarks print.
public struct Samples: Sendable {
    /// The samples, in the order they were taken.
    public private(set) var values: [Int] = []
    /// The wall time of the whole run, for ``perSecond``.
    public var wallNanoseconds: Int = 0

    /// An empty set with room for `capacity` samples.
    public init(capacity: Int = 0) { values.reserveCapacity(capacity) }

    /// Adds one sample.
    public mutating func append(_ nanoseconds: Int) { values.append(nanoseconds) }
    /// Adds another set's samples.
    public mutating func append(contentsOf other: Samples) { values.append(contentsOf: other.values) }

    /// The sample at fraction `p` (0…1) of the sorted samples; 0 when empty.
    public func percentile(_ p: Double) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
        return sorted[index]
    }

    /// The median.
    public var median: Int { percentile(0.5) }
    /// The 99th percentile.
    public var p99: Int { percentile(0.99) }
    /// How many samples.
    public var count: Int { values.count }

    /// Operations per second over the wall time of the whole run.
    public var perSecond: Double {
        wallNanoseconds > 0 ? Double(values.count) / (Double(wallNanoseconds) / 1e9) : 0
    }
}

/// Nanoseconds on the monotonic clock.
@inline(__always)
public func now() -> Int { Int(NIODeadline.now().uptimeNanoseconds) }

/// Times `body` once, in nanoseconds.
public func time(_ body: () throws -> Void) rethrows -> Int {
    let start = now()
    try body()
    return now() - start
}

/// The median of `runs` timings of `body`, in nanoseconds.
public func medianTime(runs: Int, _ body: () -> Void) -> Int {
    var samples = Samples(capacity: runs)
    for _ in 0..<runs { samples.append(time(body)) }
    return samples.median
}

/// `numerator / denominator` as `1.23×`.
public func formatRatio(_ numerator: Int, _ denominator: Int) -> String {
    denominator > 0 ? String(format: "%.2f×", Double(numerator) / Double(denominator)) : "n/a"
}

/// `text` padded with spaces on the right to `width`.
public func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// `text` padded with spaces on the left to `width`.
public func padLeft(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// Hands a value to the one thread that will use it.
public struct Handoff<Value>: @unchecked Sendable {
    /// The value handed over.
    public let value: Value
    /// Wraps `value`.
    public init(_ value: Value) { self.value = value }
}
