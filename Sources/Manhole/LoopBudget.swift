import NIOCore

/// How much of the reactor thread the shell may take, so that sessions cannot slow the host.
///
/// The reactor thread is the host's too: its `runInReactor` calls, timers and (in a SwiftNIO
/// host) its own I/O run there. Sessions are charged for the time their lines take on the loop
/// (login steps, commands, replies) and held to two limits:
/// - a **slice**: after this much shell work in a row, waiting sessions continue only after the
///   work already queued on the loop (the host's calls go first);
/// - a **share** of every window (e.g. 20 % of 10 ms): once spent, sessions wait for the next
///   window.
///
/// A session that must wait keeps its unread lines in the socket (it stops reading, see
/// `SessionHandler`) and is resumed in turn, oldest first, so every session progresses. Loop
/// confined: every method runs on the reactor's event loop.
final class LoopBudget: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let window: Int64
    private let allowance: Int64
    private let slice: Int64
    private var windowStart: NIODeadline
    private var spentInWindow: Int64 = 0
    private var spentInSlice: Int64 = 0
    private var lastCharge: NIODeadline
    private var waiting: [() -> Void] = []
    private var wakeScheduled = false
    private var measuring = false
    /// How many times a session had to wait for its turn (for `stats`-like views and tests).
    private(set) var waits = 0

    /// - Parameters:
    ///   - share: The fraction of each window the shell may use (0 < share ≤ 1).
    ///   - window: The accounting window.
    ///   - slice: The most shell work in a row before queued loop work goes first.
    init(eventLoop: any EventLoop, share: Double, window: Duration, slice: Duration) {
        self.eventLoop = eventLoop
        self.window = TimeAmount(window).nanoseconds
        self.allowance = max(1, Int64(Double(TimeAmount(window).nanoseconds) * min(1, max(0.001, share))))
        self.slice = TimeAmount(slice).nanoseconds
        windowStart = .now()
        lastCharge = windowStart
    }

    /// Whether a session may handle a line now.
    func mayRun() -> Bool {
        eventLoop.assertInEventLoop()
        let now = NIODeadline.now()
        roll(to: now)
        // A pause since the last charge (the loop did other work) starts a new slice.
        if (now - lastCharge).nanoseconds > slice { spentInSlice = 0 }
        return spentInSlice < slice && spentInWindow < allowance
    }

    /// Runs `body` and charges its time to the shell (once: a measured section inside another
    /// one is part of the outer one's time).
    func measure(_ body: () -> Void) {
        guard !measuring else { return body() }
        measuring = true
        let start = NIODeadline.now()
        body()
        measuring = false
        charge(since: start)
    }

    private func charge(since start: NIODeadline) {
        let now = NIODeadline.now()
        let spent = (now - start).nanoseconds
        spentInWindow += spent
        spentInSlice += spent
        lastCharge = now
    }

    /// Calls `resume` on the loop once the budget allows; sessions are resumed in the order they
    /// started waiting.
    func waitForTurn(_ resume: @escaping () -> Void) {
        eventLoop.assertInEventLoop()
        waiting.append(resume)
        waits += 1
        scheduleWake()
    }

    private func roll(to now: NIODeadline) {
        let elapsed = (now - windowStart).nanoseconds
        guard elapsed >= window else { return }
        windowStart = now - .nanoseconds(elapsed % window)
        spentInWindow = 0
    }

    private func scheduleWake() {
        guard !wakeScheduled, !waiting.isEmpty else { return }
        wakeScheduled = true
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        roll(to: .now())
        if spentInWindow >= allowance {
            eventLoop.scheduleTask(deadline: windowStart + .nanoseconds(window)) { bound.value.wake() }
        } else {
            // Only the slice is spent: go on behind the work already queued on the loop.
            eventLoop.execute { bound.value.wake() }
        }
    }

    private func wake() {
        wakeScheduled = false
        spentInSlice = 0
        var resumed = 0
        let turn = waiting
        waiting = []
        for resume in turn {
            guard mayRun() else { break }
            resume()
            resumed += 1
        }
        // Those not reached keep their place ahead of sessions that queued again meanwhile.
        waiting = Array(turn[resumed...]) + waiting
        scheduleWake()
    }
}
