import NIOCore

/// Limits how often a source can make the server log before it has logged in: at most `rate`
/// lines per second per source; the lines beyond are counted, and the count is reported with the
/// source's next line once a new second has begun. The sources are kept in a bounded table
/// (least recently logged out first), so an attacker with many sources costs bounded memory.
struct LogLimiter: Sendable {
    private struct Window: Sendable {
        var start: NIODeadline
        var logged: Int
        var dropped: Int
    }

    /// Lines allowed per source and window.
    let rate: Int
    /// The window.
    let window: TimeAmount
    private var windows: LRUTable<LoginSource, Window>

    init(rate: Int = 10, window: TimeAmount = .seconds(1), capacity: Int = 1_024) {
        self.rate = rate
        self.window = window
        windows = LRUTable(capacity: capacity)
    }

    /// Whether a line from `source` may be logged now, and how many of its lines were dropped
    /// (not logged) since the last report: the caller logs that count first when it is not 0.
    mutating func admit(_ source: LoginSource, at now: NIODeadline = .now()) -> (log: Bool, dropped: Int) {
        var current = windows.peek(source) ?? Window(start: now, logged: 0, dropped: 0)
        var dropped = 0
        if now - current.start >= window {
            dropped = current.dropped
            current = Window(start: now, logged: 0, dropped: 0)
        }
        let log = current.logged < rate
        if log { current.logged += 1 } else { current.dropped += 1 }
        windows.touch(source, current)
        return (log, dropped)
    }
}
