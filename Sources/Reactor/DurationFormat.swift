/// Short human-readable durations, the one format every operator view and message uses:
/// `850ns`, `12µs`, `350ms`, `1.2s`, `3m 12s`, `2h 5m`, `3d 4h`; negative ones (an overdue
/// timer) with a leading `-`.
///
/// It lives in the Reactor, which every other module imports, rather than with the views in
/// Manhole, because the Reactor's own messages (``ReactorBusy``) and the Inspector's (a read that
/// timed out) show durations too.
package enum DurationFormat {
    /// `duration` in the one short format.
    package static func string(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return string(nanoseconds: nanoseconds)
    }

    /// `nanoseconds` in the one short format.
    package static func string(nanoseconds: Int64) -> String {
        if nanoseconds < 0 { return "-" + string(nanoseconds: -nanoseconds) }
        let n = nanoseconds
        switch n {
        case ..<1_000: return "\(n)ns"
        case ..<1_000_000: return "\(n / 1_000)µs"
        case ..<1_000_000_000: return "\(n / 1_000_000)ms"
        case ..<60_000_000_000: return "\(n / 1_000_000_000).\(n / 100_000_000 % 10)s"
        default: break
        }
        let seconds = n / 1_000_000_000
        switch seconds {
        case ..<3_600: return "\(seconds / 60)m \(seconds % 60)s"
        case ..<86_400: return "\(seconds / 3_600)h \(seconds % 3_600 / 60)m"
        default: return "\(seconds / 86_400)d \(seconds % 86_400 / 3_600)h"
        }
    }
}
