import NIOConcurrencyHelpers

/// Figures the reactor refreshes in the background (a looping call) and the job loop feeds:
/// what `metrics` shows.
final class Metrics: Sendable {
    /// What `metrics` shows.
    struct MetricsSnapshot: Sendable {
        /// How many times the looping call refreshed the figures.
        var refreshes: Int
        /// Jobs per second over the last refresh interval.
        var jobsPerSecond: Double
        /// The latest (pretend) upstream latency, in milliseconds.
        var upstreamLatencyMs: Int
        /// Items reported by the job loop since start.
        var itemsSeen: Int
        /// Cents processed since start.
        var revenueCents: Int
    }

    private struct State {
        var refreshes = 0
        var jobsPerSecond = 0.0
        var upstreamLatencyMs = 0
        var itemsSeen = 0
        var itemsAtLastRefresh = 0
        var revenueCents = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Creates zeroed metrics.
    init() {}

    /// The looping call's work: recomputes the rates (every `interval`).
    func refresh(interval: Duration) {
        state.withLockedValue {
            $0.refreshes += 1
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            $0.jobsPerSecond = Double($0.itemsSeen - $0.itemsAtLastRefresh) / seconds
            $0.itemsAtLastRefresh = $0.itemsSeen
            $0.upstreamLatencyMs = 20 + ($0.refreshes * 37) % 60
        }
    }

    /// The job loop reports an item (called through `reactor.waitFor`).
    func record(amountCents: Int) {
        state.withLockedValue {
            $0.itemsSeen += 1
            $0.revenueCents += amountCents
        }
    }

    /// A snapshot for the manhole.
    func snapshot() -> MetricsSnapshot {
        state.withLockedValue {
            MetricsSnapshot(
                refreshes: $0.refreshes, jobsPerSecond: $0.jobsPerSecond, upstreamLatencyMs: $0.upstreamLatencyMs,
                itemsSeen: $0.itemsSeen, revenueCents: $0.revenueCents)
        }
    }
}
