/// `metrics`: the host's swift-metrics series, from the recorder the host configured
/// (``Manhole/Configuration/metrics``).
enum MetricsCommand {
    static let usage = "metrics [PREFIX]"

    static let metrics = ShellCommand(
        name: "metrics", usage: usage, summary: "The host's counters, gauges and timers (swift-metrics), by label.",
        details: """
            One row per series whose label starts with PREFIX (every series without one), sorted \
            by label, at most \(MetricsView.rowLimit): label, kind (counter, fp-counter, gauge, \
            meter, recorder, timer), dimensions, then a counter's value; a gauge's, meter's or \
            recorder's last value, count, min and max; a timer's count, min, max and estimated \
            p50 and p99 (within about 6 %). The host's metrics are recorded only if it opted in \
            (Manhole.Configuration.metrics, a MetricsRecorder it bootstraps), and only the first \
            series up to the recorder's bound: the note says how many were not recorded.
            """,
        isReadOnly: true
    ) { invocation, environment in
        guard let recorder = environment.configuration.metrics else {
            return environment.fail(
                "metrics are not enabled: the host has not set Manhole.Configuration.metrics "
                    + "(a MetricsRecorder it bootstraps, beside its own factory with MultiplexMetricsHandler)")
        }
        guard invocation.arguments.count <= 1 else {
            return environment.fail("metrics takes at most one prefix; usage: \(usage)")
        }
        let prefix = invocation.arguments.first ?? ""
        if prefix.hasPrefix("-") { return environment.fail("unknown option '\(prefix)'; usage: \(usage)") }
        // Copies the matching series' references under the recorder's lock and reads at most
        // `rowLimit` of them after it; formatting is done here, on the sessions' thread.
        let snapshot = recorder.snapshot(prefix: prefix, limit: MetricsView.rowLimit)
        return environment.reply(MetricsView.table(snapshot, prefix: prefix))
    }
}
