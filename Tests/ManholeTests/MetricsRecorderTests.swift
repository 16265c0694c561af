import CoreMetrics
import Foundation
import Synchronization
import Testing
@testable import Manhole

/// The recorder alone, through swift-metrics' own API with the recorder's factory passed in (a
/// test cannot `MetricsSystem.bootstrap`: that is once per process).
@Suite("MetricsRecorder: swift-metrics series kept in memory, bounded")
struct MetricsRecorderTests {
    /// The one row of `recorder` whose label is `label`.
    private func reading(_ recorder: MetricsRecorder, _ label: String) -> MetricReading? {
        recorder.snapshot(prefix: label, limit: 10).rows.first { $0.key.label == label }?.reading
    }

    @Test("Counters, floating-point counters, gauges, meters, recorders and timers keep what was recorded")
    func counts() {
        let recorder = MetricsRecorder()
        let factory = recorder.factory
        let counter = Counter(label: "requests", dimensions: [("route", "/a")], factory: factory)
        counter.increment()
        counter.increment(by: 5)
        FloatingPointCounter(label: "bytes", factory: factory).increment(by: 1.5)
        let gauge = Gauge(label: "queue", factory: factory)
        for value in [4.0, 9.0, 2.0] { gauge.record(value) }
        let meter = Meter(label: "pool", factory: factory)
        meter.set(10)
        meter.increment(by: 3)
        meter.decrement(by: 1)
        Recorder(label: "sizes", factory: factory).record(7)
        let timer = CoreMetrics.Timer(label: "latency", factory: factory)
        timer.recordNanoseconds(2_000)
        timer.recordNanoseconds(1_000)

        #expect(reading(recorder, "requests") == .counter(6))
        #expect(reading(recorder, "bytes") == .floatingCounter(1.5))
        #expect(reading(recorder, "queue") == .summary(last: 2, count: 3, min: 2, max: 9, sum: 15))
        #expect(reading(recorder, "pool") == .summary(last: 12, count: 3, min: 10, max: 13, sum: 35))
        #expect(reading(recorder, "sizes") == .summary(last: 7, count: 1, min: 7, max: 7, sum: 7))
        guard case .timer(let count, let sum, let min, let max, _, _) = reading(recorder, "latency") else {
            Issue.record("no timer")
            return
        }
        #expect((count, sum, min, max) == (2, 3_000, 1_000, 2_000))
        let rows = recorder.snapshot(prefix: "", limit: 10).rows
        #expect(rows.map(\.key.label) == ["bytes", "latency", "pool", "queue", "requests", "sizes"], "sorted by label")
        #expect(rows.map(\.key.kind) == [.floatingCounter, .timer, .meter, .gauge, .counter, .recorder])
    }

    @Test("A label and dimensions asked for twice share one series; dimensions are sorted by name")
    func shared() {
        let recorder = MetricsRecorder()
        Counter(label: "hits", dimensions: [("b", "2"), ("a", "1")], factory: recorder.factory).increment()
        Counter(label: "hits", dimensions: [("a", "1"), ("b", "2")], factory: recorder.factory).increment()
        let rows = recorder.snapshot(prefix: "", limit: 10).rows
        #expect(rows.count == 1)
        #expect(rows.first?.key.dimensionsText == "a=1,b=2")
        #expect(rows.first?.reading == .counter(2))
    }

    @Test("Beyond maxSeries a series records nothing and is counted once as not recorded")
    func bound() {
        let recorder = MetricsRecorder(maxSeries: 3)
        var counters: [Counter] = []
        for number in 0..<5 { counters.append(Counter(label: "c\(number)", factory: recorder.factory)) }
        for counter in counters { counter.increment(by: 10) }
        // The refused series asked for again is the same refused series.
        Counter(label: "c4", factory: recorder.factory).increment()
        let snapshot = recorder.snapshot(prefix: "", limit: 10)
        #expect(snapshot.rows.map(\.key.label) == ["c0", "c1", "c2"])
        #expect(snapshot.rows.map(\.reading) == [.counter(10), .counter(10), .counter(10)])
        #expect(snapshot.matching == 3)
        #expect(snapshot.dropped == 2)
        #expect(!snapshot.droppedIsLowerBound)
        #expect(MetricsRecorder(maxSeries: 0).maxSeries == 1)
        #expect(MetricsRecorder(maxSeries: .max).maxSeries == MetricsRecorder.maximumSeries)
    }

    @Test("destroy() forgets the series and frees its place under the bound")
    func destroy() {
        let recorder = MetricsRecorder(maxSeries: 1)
        let first = Counter(label: "first", factory: recorder.factory)
        first.increment()
        first.destroy()
        #expect(recorder.snapshot(prefix: "", limit: 10).rows.isEmpty)
        let timer = CoreMetrics.Timer(label: "second", factory: recorder.factory)
        timer.recordNanoseconds(5)
        #expect(recorder.snapshot(prefix: "", limit: 10).rows.map(\.key.label) == ["second"])
        timer.destroy()
        #expect(recorder.snapshot(prefix: "", limit: 10).rows.isEmpty)
        #expect(recorder.snapshot(prefix: "", limit: 10).dropped == 0)
    }

    @Test("p50 and p99 of a timer are within a bucket's error (1/16) of the true percentiles")
    func percentiles() {
        let recorder = MetricsRecorder()
        let timer = CoreMetrics.Timer(label: "latency", factory: recorder.factory)
        // 1 µs … 10 ms in 1 µs steps, shuffled: p50 is 5 ms, p99 9.9 ms.
        for micros in (1...10_000).shuffled() { timer.recordMicroseconds(micros) }
        guard case .timer(let count, let sum, let min, let max, let p50, let p99) = reading(recorder, "latency") else {
            Issue.record("no timer")
            return
        }
        #expect(count == 10_000)
        #expect(sum == 1_000 * (10_000 * 10_001 / 2))
        #expect((min, max) == (1_000, 10_000_000))
        #expect(abs(Double(p50) - 5_000_000) <= 5_000_000 / 16, "p50 \(p50)")
        #expect(abs(Double(p99) - 9_900_000) <= 9_900_000 / 16, "p99 \(p99)")
    }

    @Test("Every value's bucket midpoint is within 1/16 of it, over the whole Int64 range")
    func buckets() {
        var values: [Int64] = Array(0...1_000) + [.max, .max - 1, 1 << 40, (1 << 40) - 1, 123_456_789]
        for _ in 0..<10_000 { values.append(Int64.random(in: 0...Int64.max)) }
        for value in values {
            let bucket = TimerHistogram.bucket(of: value)
            #expect(bucket >= 0 && bucket < TimerHistogram.bucketCount)
            let midpoint = TimerHistogram.midpoint(of: bucket)
            #expect(abs(Double(midpoint) - Double(value)) <= Double(value) / 16, "\(value) → \(midpoint)")
        }
    }

    @Test("Increments from 4 threads at once sum exactly")
    func concurrentIncrements() {
        let recorder = MetricsRecorder()
        let perThread = 500_000
        let gate = StartGate()
        let done = DispatchSemaphore(value: 0)
        // Threads of their own, started together (each waits until all 4 are up), so that
        // their increments overlap: a pool smaller than 4 would never open the gate.
        for _ in 0..<4 {
            Thread {
                let counter = Counter(label: "shared", factory: recorder.factory)
                let timer = CoreMetrics.Timer(label: "shared", factory: recorder.factory)
                gate.arriveAndWait(for: 4)
                for _ in 0..<perThread { counter.increment() }
                for _ in 0..<perThread { timer.recordNanoseconds(1) }
                done.signal()
            }.start()
        }
        for _ in 0..<4 { done.wait() }
        #expect(reading(recorder, "shared") == .counter(Int64(4 * perThread)))
        let timer = recorder.snapshot(prefix: "shared", limit: 10).rows.first { $0.key.kind == .timer }?.reading
        #expect(timer == .timer(count: 4 * perThread, sum: Int64(4 * perThread), min: 1, max: 1, p50: 1, p99: 1))
    }

    @Test("Labels and dimension strings are cut at 200 bytes on a character boundary, dimensions at 32 pairs")
    func cut() {
        let recorder = MetricsRecorder()
        let long = String(repeating: "é", count: 500)
        let many = (0..<40).map { ("d\(String(format: "%02d", $0))", long) }
        Counter(label: long, dimensions: many, factory: recorder.factory).increment()
        let key = recorder.snapshot(prefix: "", limit: 1).rows[0].key
        #expect(key.label == String(repeating: "é", count: 100) + "…")
        #expect(key.dimensions.count == 32)
        #expect(key.dimensions.allSatisfy { $0.value.utf8.count <= 200 + "…".utf8.count })
    }
}

/// Holds threads until `count` have arrived, so that they start their work together.
private final class StartGate: Sendable {
    private let arrived = Atomic(0)

    func arriveAndWait(for count: Int) {
        arrived.add(1, ordering: .sequentiallyConsistent)
        while arrived.load(ordering: .sequentiallyConsistent) < count { sched_yield() }
    }
}
