import NIOConcurrencyHelpers
package import NIOCore
package import NIOPosix

/// Per-tick figures of a loop the Reactor created: how long each tick of the loop worked, and how
/// busy it was over the last 1, 10 and 60 seconds. SwiftNIO reports every tick on the loop's own
/// thread (`NIOEventLoopMetricsDelegate`); this keeps a bounded window of them and does nothing
/// more per tick than a lock round trip and a few additions. A loop the host attached
/// (`noSetup`) has no such delegate, so the Reactor has no tick data for it.
package final class TickStatistics: NIOEventLoopMetricsDelegate, Sendable {
    /// The figures at one moment.
    package struct Snapshot: Sendable {
        /// The share of about the last 1, 10 and 60 seconds the loop spent working (0…1): each
        /// span is that many whole seconds plus the current second so far, cut to the time the
        /// reactor has been running.
        package var busyShare: (last1s: Double, last10s: Double, last60s: Double)
        /// The median tick duration over the recent ticks kept (``TickStatistics/recentTickCapacity``).
        package var tickP50: Duration
        /// The 99th percentile tick duration over the same ticks.
        package var tickP99: Duration
        /// The longest of the same ticks.
        package var tickMax: Duration
        /// How many ticks the percentiles cover.
        package var ticks: Int
    }

    /// How many recent tick durations are kept for the percentiles.
    package static let recentTickCapacity = 1_024

    private struct State: Sendable {
        var durations = RecentHistory<Int64>(capacity: TickStatistics.recentTickCapacity)
        /// Busy nanoseconds per whole second of the loop's clock: the current second and the 60
        /// before it.
        var busy = [Int64](repeating: 0, count: 61)
        var busySecond = [Int64](repeating: -1, count: 61)
    }

    private let state = NIOLockedValueBox(State())
    private let startedAt = NIODeadline.now()

    package init() {}

    /// Called by SwiftNIO after every tick, on the loop's thread.
    package func processedTick(info: NIOEventLoopTickInfo) {
        let worked = max(0, (info.endTime - info.startTime).nanoseconds)
        let second = info.endTime.uptimeNanoseconds / 1_000_000_000
        state.withLockedValue { state in
            state.durations.append(worked)
            let slot = Int(second % 61)
            if state.busySecond[slot] != Int64(second) {
                state.busySecond[slot] = Int64(second)
                state.busy[slot] = 0
            }
            state.busy[slot] += worked
        }
    }

    /// The figures now.
    package func snapshot(at now: NIODeadline = .now()) -> Snapshot {
        let (durations, busy, busySecond) = state.withLockedValue { ($0.durations.unordered, $0.busy, $0.busySecond) }
        let sorted = durations.sorted()
        func percentile(_ p: Double) -> Duration {
            guard !sorted.isEmpty else { return .zero }
            return .nanoseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        let nowNanos = Int64(now.uptimeNanoseconds)
        let current = nowNanos / 1_000_000_000
        let running = max(1, nowNanos - Int64(startedAt.uptimeNanoseconds))
        func share(seconds: Int64) -> Double {
            var worked: Int64 = 0
            for (slot, second) in busySecond.enumerated() where second >= 0 && second >= current - seconds {
                worked += busy[slot]
            }
            // The span is the last `seconds` whole seconds and the part of the current one that
            // has elapsed (or less, for a reactor younger than that).
            let span = min(running, seconds * 1_000_000_000 + nowNanos % 1_000_000_000)
            return span > 0 ? min(1, Double(worked) / Double(span)) : 0
        }
        return Snapshot(
            busyShare: (share(seconds: 1), share(seconds: 10), share(seconds: 60)),
            tickP50: percentile(0.5), tickP99: percentile(0.99), tickMax: .nanoseconds(sorted.last ?? 0),
            ticks: sorted.count)
    }
}
