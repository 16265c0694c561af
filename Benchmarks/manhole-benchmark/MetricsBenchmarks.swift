import BenchmarkSupport
import CoreMetrics
import Foundation
import Manhole

/// `metrics`: what recording costs the host through a `MetricsRecorder`, beside swift-metrics'
/// no-op backend (the floor: one call through the handler) and the recorder beside another
/// backend in `MultiplexMetricsHandler`, as the guide bootstraps it (beside two no-op backends
/// multiplexed: the multiplexer's own cost). Nanoseconds per call, the
/// median of 3 runs.
///
/// `swift run -c release manhole-benchmark --sections metrics`
enum MetricsBenchmarks {
    static func run(iterations: Int = 10_000_000) {
        print("\n## metrics — ns per call through swift-metrics' API, \(iterations) calls, median of 3 runs")
        let recorder = MetricsRecorder()
        let backends: [(String, any MetricsFactory)] = [
            ("no-op factory", NOOPMetricsHandler.instance),
            ("MetricsRecorder", recorder.factory),
            // What MultiplexMetricsHandler itself costs, to tell it from the recorder's share.
            ("Multiplex(no-op, no-op)", MultiplexMetricsHandler(factories: [NOOPMetricsHandler.instance, NOOPMetricsHandler.instance])),
            ("Multiplex(recorder, no-op)", MultiplexMetricsHandler(factories: [recorder.factory, NOOPMetricsHandler.instance])),
        ]
        print(pad("backend", 30) + padLeft("Counter.increment()", 22) + padLeft("Timer.recordNanoseconds", 26)
            + padLeft("Gauge.record", 16))
        for (index, (name, factory)) in backends.enumerated() {
            let counter = Counter(label: "bench.counter.\(index)", factory: factory)
            let timer = CoreMetrics.Timer(label: "bench.timer.\(index)", factory: factory)
            let gauge = Gauge(label: "bench.gauge.\(index)", factory: factory)
            let counting = perCall(iterations) { counter.increment() }
            let timing = perCall(iterations) { index in timer.recordNanoseconds(Int64(index & 0xFFFF)) }
            let gauging = perCall(iterations) { index in gauge.record(Int64(index & 0xFF)) }
            print(pad(name, 30) + padLeft(String(format: "%.1f", counting), 22) + padLeft(String(format: "%.1f", timing), 26)
                + padLeft(String(format: "%.1f", gauging), 16))
        }
    }

    /// The median over 3 runs of the nanoseconds one call of `body` takes.
    private static func perCall(_ iterations: Int, _ body: (Int) -> Void) -> Double {
        let runs = (0..<3).map { _ in time { for index in 0..<iterations { body(index) } } }
        return Double(runs.sorted()[1]) / Double(iterations)
    }

    private static func perCall(_ iterations: Int, _ body: () -> Void) -> Double {
        perCall(iterations) { (_: Int) in body() }
    }
}
