public import CoreMetrics
import NIOConcurrencyHelpers

/// The host's swift-metrics counters, gauges, meters, recorders and timers, kept in memory for
/// the shell's `metrics` command: a backend the host bootstraps, alone or beside its own.
///
/// ```swift
/// let metrics = MetricsRecorder()
/// MetricsSystem.bootstrap(MultiplexMetricsHandler(factories: [metrics.factory, prometheus]))
/// let manhole = try Manhole.start(accounts: accounts, configuration: Manhole.Configuration(metrics: metrics), reactor: reactor)
/// ```
///
/// Bounded: at most ``init(maxSeries:)`` series (a label with its dimensions); a series asked for
/// beyond that gets a handler that records nothing, and `metrics` says how many were refused.
/// Labels and dimension names and values are cut to 200 bytes, dimensions to 32 pairs. A timer
/// keeps count, sum, min, max and a fixed histogram (p50, p99), never its samples. Recording is
/// an atomic add (counters) or one small lock per series (the others); the recorder's own lock
/// is taken only when a series is made or destroyed, and by `metrics` to copy the series it shows.
/// Safe from any thread.
public final class MetricsRecorder: Sendable {
    /// The most series kept: the `maxSeries` it was made with, clamped to 1…100,000.
    package let maxSeries: Int
    private let registry: NIOLockedValueBox<Registry>

    /// The largest bound: at a timer's 3.9 KiB, 100,000 series stay under 400 MiB.
    package static let maximumSeries = 100_000
    /// The longest label, dimension name or dimension value kept, in UTF-8 bytes.
    package static let stringLimit = 200
    /// The most dimensions a series keeps (the first ones given).
    package static let dimensionLimit = 32
    /// The most refused series told apart (for the count `metrics` shows).
    static let droppedMemory = 100_000

    /// A recorder keeping at most `maxSeries` series (1,000 by default). A bound outside
    /// 1…100,000 is clamped into it rather than trapping: a diagnostic aid must not stop the host.
    public init(maxSeries: Int = 1_000) {
        self.maxSeries = min(max(maxSeries, 1), Self.maximumSeries)
        self.registry = NIOLockedValueBox(Registry())
    }

    /// The swift-metrics factory writing into this recorder, for `MetricsSystem.bootstrap`:
    /// beside the host's own backend with `MultiplexMetricsHandler`, or alone.
    public var factory: any MetricsFactory { RecorderFactory(recorder: self) }

    /// The series for `key`, made with `make` if it is new and there is room; `nil` when the
    /// recorder is full (the refusal is counted). A series asked for twice is shared.
    func series<Series: MetricSeries>(_ key: SeriesKey, make: (SeriesKey) -> Series) -> Series? {
        registry.withLockedValue { registry in
            if let existing = registry.series[key] { return existing as? Series }
            guard registry.series.count < maxSeries else {
                if registry.dropped.count < Self.droppedMemory { registry.dropped.insert(key.hashValue) }
                return nil
            }
            let series = make(key)
            registry.series[key] = series
            return series
        }
    }

    /// Forgets `series` (its `destroy()` was called), unless its key now names another one.
    func remove(_ series: any MetricSeries) {
        registry.withLockedValue { registry in
            if let current = registry.series[series.key], current === series { registry.series[series.key] = nil }
        }
    }

    /// Up to `limit` series whose label starts with `prefix`, sorted by label, each read; how
    /// many matched in all; how many series were refused. Under the recorder's lock it copies at
    /// most ``maxSeries`` references; sorting and reading (each series' own lock) come after it.
    package func snapshot(prefix: String, limit: Int) -> MetricsSnapshot {
        let (matching, dropped) = registry.withLockedValue { registry -> ([any MetricSeries], Int) in
            var matching: [any MetricSeries] = []
            matching.reserveCapacity(registry.series.count)
            for series in registry.series.values where prefix.isEmpty || series.key.label.hasPrefix(prefix) {
                matching.append(series)
            }
            return (matching, registry.dropped.count)
        }
        let shown = matching.sorted { $0.key < $1.key }.prefix(max(limit, 0))
        return MetricsSnapshot(
            rows: shown.map { MetricsSnapshot.Row(key: $0.key, reading: $0.reading()) },
            matching: matching.count, dropped: dropped, droppedIsLowerBound: dropped >= Self.droppedMemory,
            maxSeries: maxSeries)
    }

    private struct Registry: Sendable {
        var series: [SeriesKey: any MetricSeries] = [:]
        /// The hashes of refused keys, so one refused series asked for again counts once.
        var dropped: Set<Int> = []
    }
}

/// What `metrics` shows: the rows read, and the counts for its note.
package struct MetricsSnapshot: Sendable {
    /// One series and its figures.
    package struct Row: Sendable {
        let key: SeriesKey
        let reading: MetricReading
    }

    let rows: [Row]
    /// The series that matched the prefix, shown or not.
    let matching: Int
    /// Distinct series refused because the recorder was full.
    let dropped: Int
    /// Whether more were refused than the recorder tells apart.
    let droppedIsLowerBound: Bool
    let maxSeries: Int
}
