#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// How much of the reactor thread the shell may take, so that sessions cannot slow the host.
///
/// The reactor thread is the host's too: its `runInReactor` calls, timers and (in a SwiftNIO
/// host) its own I/O run there. Sessions are charged for the time their lines take on the loop
/// (login steps, commands, replies) and held to two limits:
/// - a **slice**: after this much shell work in a row, waiting sessions continue only after the
///   work already queued on the loop (the host's calls go first);
/// - a **share** of real time (e.g. 20 %), as a token bucket: the budget refills at `share` of
///   the time that passes, holds at most one window's allowance (`share × window`), and every
///   charge is taken in full, so it can go negative. Sessions run only while it is positive: a
///   command that took 100 ms at a 20 % share is paid back by about 400 ms without shell work.
///   Overspending is carried forward, never forgiven at a window's end.
///
/// Work is measured as the reactor thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall time:
/// a handler that was preempted by other threads did not hold the loop for the time it waited,
/// and charging that time (amplified below) would stall every session on a busy machine.
///
/// Work longer than a slice is charged by the delay it causes, not only by its length: everything
/// queued on the loop (the host's calls) waits for all of it, so ``measure(_:)`` charges such a
/// stretch `spent × spent / slice`, at most ``maxSurcharge`` × `spent` (``cost(of:slice:)``). A
/// 5 ms command (the Inspector's work limit) costs 100 ms of budget, about 0.5 s without shell
/// work at a 20 % share; a stream of 100 µs commands costs what it takes.
///
/// A session that must wait keeps its unread lines in the socket (it stops reading, see
/// `SessionHandler`) and is resumed in turn, oldest first, so every session progresses. Loop
/// confined: every method runs on the reactor's event loop, whose clock (`EventLoop.now`) it reads.
final class LoopBudget: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let share: Double
    /// The most the bucket holds, in nanoseconds of shell work.
    private let capacity: Double
    private let slice: Int64
    /// What the shell may still spend, in nanoseconds; negative while it owes.
    private var balance: Double
    private var refilledAt: NIODeadline
    private var spentInSlice: Int64 = 0
    private var lastCharge: NIODeadline
    private var waiting: [() -> Void] = []
    private var wakeScheduled = false
    private var measuring = false
    /// The clock work is measured with, in nanoseconds (the thread's CPU time; tests inject one).
    private let workClock: () -> Int64
    /// How many times a session had to wait for its turn (for `stats`-like views and tests).
    private(set) var waits = 0
    /// How many times waiting sessions were resumed (for tests).
    private(set) var turns = 0

    /// - Parameters:
    ///   - share: The fraction of real time the shell may use (0 < share ≤ 1).
    ///   - window: How much unused time the bucket keeps: it holds `share × window` at most.
    ///   - slice: The most shell work in a row before queued loop work goes first.
    ///   - workClock: What measures work, in nanoseconds: the calling thread's CPU time by default.
    init(
        eventLoop: any EventLoop, share: Double, window: Duration, slice: Duration,
        workClock: @escaping () -> Int64 = LoopBudget.threadCPUNanoseconds
    ) {
        self.eventLoop = eventLoop
        self.workClock = workClock
        self.share = min(1, max(0.001, share))
        capacity = max(1, Double(TimeAmount(window).nanoseconds) * self.share)
        self.slice = TimeAmount(slice).nanoseconds
        balance = capacity
        refilledAt = eventLoop.now
        lastCharge = refilledAt
    }

    /// What the shell may still spend, in nanoseconds (negative while it owes), as of now.
    var balanceNanoseconds: Int64 {
        refill(to: eventLoop.now)
        return Int64(balance.rounded(.down))
    }

    /// Whether a session may handle a line now.
    func mayRun() -> Bool {
        eventLoop.assertInEventLoop()
        let now = eventLoop.now
        refill(to: now)
        // A pause since the last charge (the loop did other work) starts a new slice.
        if (now - lastCharge).nanoseconds > slice { spentInSlice = 0 }
        return spentInSlice < slice && balance > 0
    }

    /// Runs `body` and charges its time to the shell (once: a measured section inside another
    /// one is part of the outer one's time).
    func measure(_ body: () -> Void) {
        guard !measuring else { return body() }
        measuring = true
        let start = workClock()
        body()
        measuring = false
        let spent = TimeAmount.nanoseconds(workClock() - start)
        charge(Self.cost(of: spent, slice: slice), at: eventLoop.now)
    }

    /// The calling thread's CPU time in nanoseconds.
    static func threadCPUNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The most a stretch of work is multiplied by when it is charged.
    static let maxSurcharge: Int64 = 20

    /// What `spent` of shell work in one stretch costs the budget: itself up to a slice; beyond,
    /// `spent × spent / slice` (a stretch of k slices held every queued call for all k of them),
    /// at most ``maxSurcharge`` × `spent`.
    static func cost(of spent: TimeAmount, slice: Int64) -> TimeAmount {
        let nanoseconds = max(0, spent.nanoseconds)
        guard slice > 0, nanoseconds > slice else { return .nanoseconds(nanoseconds) }
        let factor = min(maxSurcharge, nanoseconds / slice)
        let (cost, overflow) = nanoseconds.multipliedReportingOverflow(by: factor)
        return .nanoseconds(overflow ? .max / 2 : cost)
    }

    /// Charges `spent` of shell work that ended at `now` (``measure(_:)`` does; tests inject charges).
    func charge(_ spent: TimeAmount, at now: NIODeadline? = nil) {
        let now = now ?? eventLoop.now
        refill(to: now)
        balance -= Double(spent.nanoseconds)
        spentInSlice += spent.nanoseconds
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

    private func refill(to now: NIODeadline) {
        let elapsed = (now - refilledAt).nanoseconds
        guard elapsed > 0 else { return }
        balance = min(capacity, balance + Double(elapsed) * share)
        refilledAt = now
    }

    private func scheduleWake() {
        guard !wakeScheduled, !waiting.isEmpty else { return }
        wakeScheduled = true
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let now = eventLoop.now
        refill(to: now)
        if balance <= 0 {
            // The debt is paid back at `share` of real time; the budget is positive just after.
            let owed = Int64(((-balance) / share).rounded(.up)) + 1
            eventLoop.scheduleTask(deadline: now + .nanoseconds(owed)) { bound.value.wake() }
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
            turns += 1
        }
        // Those not reached keep their place ahead of sessions that queued again meanwhile.
        waiting = Array(turn[resumed...]) + waiting
        scheduleWake()
    }
}
