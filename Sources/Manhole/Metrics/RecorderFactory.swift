import CoreMetrics

/// The `MetricsFactory` of a ``MetricsRecorder`` (``MetricsRecorder/factory``): each handler it
/// makes is the recorder's series for that label and those dimensions, or swift-metrics' no-op
/// handler once the recorder is full. A separate type so that its ten requirements are not the
/// Manhole's public API.
struct RecorderFactory: MetricsFactory {
    let recorder: MetricsRecorder

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        recorder.series(SeriesKey(kind: .counter, label: label, dimensions: dimensions), make: CounterSeries.init)
            ?? NOOPMetricsHandler.instance
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        recorder.series(SeriesKey(kind: .floatingCounter, label: label, dimensions: dimensions), make: FloatingCounterSeries.init)
            ?? NOOPMetricsHandler.instance
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        recorder.series(SeriesKey(kind: .meter, label: label, dimensions: dimensions), make: SummarySeries.init)
            ?? NOOPMetricsHandler.instance
    }

    /// A `Gauge` asks for a recorder that does not aggregate, a `Recorder` for one that does:
    /// both keep last, count, min, max and sum; they are told apart by kind.
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        recorder.series(SeriesKey(kind: aggregate ? .recorder : .gauge, label: label, dimensions: dimensions), make: SummarySeries.init)
            ?? NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        recorder.series(SeriesKey(kind: .timer, label: label, dimensions: dimensions), make: TimerSeries.init)
            ?? NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) { destroy(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { destroy(handler) }
    func destroyMeter(_ handler: any MeterHandler) { destroy(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { destroy(handler) }
    func destroyTimer(_ handler: any TimerHandler) { destroy(handler) }

    /// Forgets the series behind `handler`; a no-op handler (a refused series) has none.
    private func destroy(_ handler: AnyObject) {
        if let series = handler as? any MetricSeries { recorder.remove(series) }
    }
}
