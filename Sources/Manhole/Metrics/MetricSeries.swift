import CoreMetrics
import NIOConcurrencyHelpers
import Synchronization

/// What kind of metric a series is; part of its identity, so a counter and a timer of the same
/// label are two series.
enum MetricKind: String, Sendable, Hashable, Comparable {
    case counter, floatingCounter = "fp-counter", meter, gauge, recorder, timer

    static func < (left: MetricKind, right: MetricKind) -> Bool { left.rawValue < right.rawValue }
}

/// A series' identity: kind, label and dimensions sorted by name, each string cut to
/// ``MetricsRecorder/stringLimit`` bytes and at most ``MetricsRecorder/dimensionLimit`` pairs,
/// so what a host names cannot grow the recorder beyond its bound.
struct SeriesKey: Sendable, Hashable, Comparable {
    let kind: MetricKind
    let label: String
    let dimensions: [Dimension]

    struct Dimension: Sendable, Hashable {
        let name: String
        let value: String
    }

    init(kind: MetricKind, label: String, dimensions: [(String, String)]) {
        self.kind = kind
        self.label = Self.cut(label)
        self.dimensions = dimensions.prefix(MetricsRecorder.dimensionLimit)
            .map { Dimension(name: Self.cut($0.0), value: Self.cut($0.1)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// `name=value,…` sorted by name, as the table shows them.
    var dimensionsText: String { dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }

    static func < (left: SeriesKey, right: SeriesKey) -> Bool {
        (left.label, left.kind, left.dimensionsText) < (right.label, right.kind, right.dimensionsText)
    }

    /// `text` cut to ``MetricsRecorder/stringLimit`` bytes at a character boundary, with `…`
    /// showing the cut.
    static func cut(_ text: String) -> String {
        let limit = MetricsRecorder.stringLimit
        guard text.utf8.count > limit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end.samePosition(in: text.unicodeScalars) == nil { text.utf8.formIndex(before: &end) }
        return String(text.unicodeScalars[..<end]) + "…"
    }
}

/// A series as the registry holds it, and what a reader copies of it.
protocol MetricSeries: AnyObject, Sendable {
    var key: SeriesKey { get }
    /// The figures now; takes the series' own lock (or one atomic load), never the registry's.
    func reading() -> MetricReading
}

/// One series' figures at the time it was read. Values of gauges, meters and recorders are
/// `Double`; a timer's are nanoseconds.
enum MetricReading: Sendable, Equatable {
    case counter(Int64)
    case floatingCounter(Double)
    case summary(last: Double, count: Int, min: Double, max: Double, sum: Double)
    case timer(count: Int, sum: Int64, min: Int64, max: Int64, p50: Int64, p99: Int64)
    case empty
}

/// A counter: one atomic add per increment, the host's hot path.
final class CounterSeries: CounterHandler, MetricSeries {
    let key: SeriesKey
    private let value = Atomic<Int64>(0)

    init(key: SeriesKey) { self.key = key }

    func increment(by amount: Int64) { value.wrappingAdd(amount, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
    func reading() -> MetricReading { .counter(value.load(ordering: .relaxed)) }
}

/// A counter of fractional amounts (bytes/s, seconds of work).
final class FloatingCounterSeries: FloatingPointCounterHandler, MetricSeries {
    let key: SeriesKey
    private let value = NIOLockedValueBox(0.0)

    init(key: SeriesKey) { self.key = key }

    func increment(by amount: Double) { value.withLockedValue { $0 += amount } }
    func reset() { value.withLockedValue { $0 = 0 } }
    func reading() -> MetricReading { .floatingCounter(value.withLockedValue { $0 }) }
}

/// Last, count, min, max and sum of the values set or recorded: a gauge, a meter or a recorder.
final class SummarySeries: RecorderHandler, MeterHandler, MetricSeries {
    let key: SeriesKey
    private let summary = NIOLockedValueBox(Summary())

    struct Summary: Sendable {
        var last = 0.0
        var count = 0
        var min = Double.infinity
        var max = -Double.infinity
        var sum = 0.0

        /// NaN counts and becomes the last value, but moves neither min nor max.
        mutating func record(_ value: Double) {
            last = value
            count &+= 1
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
        }
    }

    init(key: SeriesKey) { self.key = key }

    func record(_ value: Int64) { record(Double(value)) }
    func record(_ value: Double) { summary.withLockedValue { $0.record(value) } }
    func set(_ value: Int64) { record(Double(value)) }
    func set(_ value: Double) { record(value) }
    func increment(by amount: Double) { summary.withLockedValue { $0.record($0.last + amount) } }
    func decrement(by amount: Double) { summary.withLockedValue { $0.record($0.last - amount) } }

    func reading() -> MetricReading {
        let summary = summary.withLockedValue { $0 }
        guard summary.count > 0 else { return .empty }
        // Only NaN recorded: min and max never moved, and NaN says so better than ±infinity.
        let ordered = summary.min <= summary.max
        return .summary(
            last: summary.last, count: summary.count, min: ordered ? summary.min : .nan, max: ordered ? summary.max : .nan,
            sum: summary.sum)
    }
}

/// A timer: its durations summarised in a ``TimerHistogram``.
final class TimerSeries: CoreMetrics.TimerHandler, MetricSeries {
    let key: SeriesKey
    private let histogram = NIOLockedValueBox(TimerHistogram())

    init(key: SeriesKey) { self.key = key }

    func recordNanoseconds(_ duration: Int64) { histogram.withLockedValue { $0.record(duration) } }

    /// Estimates under the series' lock, so that a reader copies six numbers, not the buckets.
    func reading() -> MetricReading {
        histogram.withLockedValue { histogram in
            guard let p50 = histogram.estimate(0.5), let p99 = histogram.estimate(0.99) else { return .empty }
            return .timer(count: histogram.count, sum: histogram.sum, min: histogram.min, max: histogram.max, p50: p50, p99: p99)
        }
    }
}
