import Foundation
import NIOCore

/// Latency samples in nanoseconds and the figures the benchmark prints.
struct Samples {
    private(set) var values: [Int] = []
    var wallNanoseconds: Int = 0

    init(capacity: Int = 0) { values.reserveCapacity(capacity) }

    mutating func append(_ nanoseconds: Int) { values.append(nanoseconds) }
    mutating func append(contentsOf other: Samples) { values.append(contentsOf: other.values) }

    func percentile(_ p: Double) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
        return sorted[index]
    }

    var median: Int { percentile(0.5) }
    var p99: Int { percentile(0.99) }

    /// Operations per second over the wall time of the whole run.
    var perSecond: Double {
        wallNanoseconds > 0 ? Double(values.count) / (Double(wallNanoseconds) / 1e9) : 0
    }
}

/// Nanoseconds on the monotonic clock.
@inline(__always)
func now() -> Int { Int(NIODeadline.now().uptimeNanoseconds) }

/// Times `body` once, in nanoseconds.
func time(_ body: () throws -> Void) rethrows -> Int {
    let start = now()
    try body()
    return now() - start
}

/// The median of `runs` timings of `body`, in nanoseconds.
func medianTime(runs: Int, _ body: () -> Void) -> Int {
    var samples = Samples(capacity: runs)
    for _ in 0..<runs { samples.append(time(body)) }
    return samples.median
}

func formatRatio(_ numerator: Int, _ denominator: Int) -> String {
    denominator > 0 ? String(format: "%.2f×", Double(numerator) / Double(denominator)) : "n/a"
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func padLeft(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
