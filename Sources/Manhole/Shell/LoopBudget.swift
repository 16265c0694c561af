#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// How much of the machine the shell may take, so that sessions cannot slow the host.
///
/// Sessions run on the manhole's own thread (so that they answer while the reactor thread is
/// held), but that thread shares the machine's cores with the host's threads, and reading an
/// entry registered on the reactor runs on the reactor thread itself. Both are charged here:
/// the time lines take on the sessions' thread (login steps, commands, replies), measured by
/// ``measure(_:)``, and the time the shell's work held the reactor thread, reported by the
/// `ReactorCall` it went through (``chargeWork(_:)``). Sessions are held to two limits:
/// - a **slice**: after this much shell work in a row, waiting sessions continue only after the
///   work already queued on the sessions' loop;
/// - a **share** of real time (5 % by default), as a token bucket: at every window's end (10 ms) the
///   budget refills by `share × window`, holding at most that much, and every charge is taken in
///   full, so it can go negative. Sessions run only while it is positive: a command that took
///   100 ms at a 20 % share is paid back by about 500 ms without shell work. Overspending is
///   carried forward, never forgiven at a window's end. Refilling by whole windows keeps the
///   shell's work in bursts at window starts, which the host's blocking calls get around better
///   than work spread evenly (`manhole-load host-benchmark` measured 0.70 for an even refill
///   against 0.8 for whole windows, 64 sessions at full speed, when sessions still ran on the
///   reactor thread).
///
/// Work longer than a slice is charged by the delay it causes, not only by its length: on the
/// reactor thread everything queued (the host's calls) waits for all of it, so such a stretch
/// costs `spent × spent / slice`, at most ``maxSurcharge`` × `spent` (``cost(of:slice:)``).
/// ``measure(_:)`` reckons that surcharge on the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`),
/// the plain charge on wall time: a handler preempted by other threads is charged the time it
/// took, once, but the preemption is not multiplied (on a busy machine that stalled every
/// session, logins included). A 5 ms read on the reactor (the Inspector's work limit) costs
/// 100 ms of budget, about 0.5 s without shell work at a 20 % share; a stream of 100 µs
/// commands costs what it takes.
///
/// A session that must wait keeps its unread lines in the socket (it stops reading, see
/// `SessionHandler`) and is resumed in turn, oldest first, so every session progresses. Loop
/// confined: every method runs on the sessions' event loop, whose clock (`EventLoop.now`) it reads.
final class LoopBudget: @unchecked Sendable {
    private let eventLoop: any EventLoop
    /// The most the bucket holds, in nanoseconds of shell work.
    private let capacity: Double
    /// The window, in nanoseconds: the bucket refills at each window's end.
    private let window: Int64
    private let slice: Int64
    /// What the shell may still spend, in nanoseconds; negative while it owes.
    private var balance: Double
    private var refilledAt: NIODeadline
    private var spentInSlice: Int64 = 0
    private var lastCharge: NIODeadline
    private var waiting: [() -> Void] = []
    private var wakeScheduled = false
    private var measuring = false
    /// The sessions' thread's CPU time at the last window's end, and how much of what it used
    /// since then ``measure(_:)`` has charged: the rest (socket reads and writes, the event loop's
    /// own work) is charged at the next window's end, so the share is of the thread's whole time.
    private var threadWorkAtRefill: Int64?
    private var measuredWork: Int64 = 0
    /// The clock the surcharge is reckoned on, in nanoseconds (the thread's CPU time; tests inject one).
    private let workClock: () -> Int64
    /// Whether the host works, given the time and this thread's ``workClock`` (its answer is
    /// taken once per window): only then does the share apply.
    private let hostIsBusy: (NIODeadline, Int64) -> Bool
    /// The answer for the current window.
    private var hostBusy = true
    /// How many times a session had to wait for its turn (for `stats`-like views and tests).
    private(set) var waits = 0
    /// How many times waiting sessions were resumed (for tests).
    private(set) var turns = 0
    /// How many times waiting sessions had to wait for a window's refill (the share spent), not
    /// only for the work queued ahead of them (the slice spent).
    private(set) var refillWaits = 0

    /// - Parameters:
    ///   - share: The fraction of real time the shell may use (0 < share ≤ 1).
    ///   - window: The refill period: each window's end adds `share × window`, which is also the
    ///     most the bucket holds.
    ///   - slice: The most shell work in a row before queued loop work goes first.
    ///   - workClock: What the surcharge on long work is reckoned on, in nanoseconds: the calling
    ///     thread's CPU time by default.
    ///   - hostIsBusy: Whether the host works, asked at most once per window with the time and
    ///     the thread's `workClock` reading (``HostActivity``); always by default, which makes the
    ///     budget a plain share. The shell's reads on the reactor thread stay in the host's work:
    ///     their time reaches the budget when the read ends, often a window after the CPU was
    ///     used, and taken out then it made a host that had just waited for a long read look
    ///     idle, which forgave that read's debt (`manhole-load host-benchmark --workload
    ///     expensive` fell to 0.88).
    init(
        eventLoop: any EventLoop, share: Double, window: Duration, slice: Duration,
        workClock: @escaping () -> Int64 = LoopBudget.threadCPUNanoseconds,
        hostIsBusy: @escaping (NIODeadline, Int64) -> Bool = { _, _ in true }
    ) {
        self.eventLoop = eventLoop
        self.workClock = workClock
        self.hostIsBusy = hostIsBusy
        capacity = max(1, Double(TimeAmount(window).nanoseconds) * min(1, max(0.001, share)))
        self.window = max(1, TimeAmount(window).nanoseconds)
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
        return spentInSlice < slice && (balance > 0 || !hostBusy)
    }

    /// Runs `body` and charges its time to the shell (once: a measured section inside another
    /// one is part of the outer one's time).
    func measure(_ body: () -> Void) {
        guard !measuring else { return body() }
        measuring = true
        let start = eventLoop.now
        let startWork = workClock()
        body()
        measuring = false
        let now = eventLoop.now
        let work = TimeAmount.nanoseconds(max(0, workClock() - startWork))
        measuredWork += work.nanoseconds
        let surcharge = Self.cost(of: work, slice: slice) - work
        charge(now - start + surcharge, at: now)
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

    /// Charges a stretch of shell work done elsewhere (on the reactor thread), surcharged as
    /// ``measure(_:)`` surcharges a long stretch: everything queued behind it waited for all of it.
    func chargeWork(_ spent: TimeAmount) {
        charge(Self.cost(of: spent, slice: slice))
    }

    /// Charges `spent` of shell work that ended at `now` (``measure(_:)`` does; tests inject charges).
    func charge(_ spent: TimeAmount, at now: NIODeadline? = nil) {
        let now = now ?? eventLoop.now
        refill(to: now)
        // On an idle host the shell's work costs nobody anything: it is not owed, and the host
        // that starts working finds the budget no lower than empty.
        balance = hostBusy ? balance - Double(spent.nanoseconds) : max(0, balance - Double(spent.nanoseconds))
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

    /// Adds one allowance per window ended since the last refill.
    private func refill(to now: NIODeadline) {
        let windows = (now - refilledAt).nanoseconds / window
        guard windows > 0 else { return }
        // One reading of the thread's clock serves both: what it did unmeasured, and (taken
        // out of the process's) what the host did.
        let work = workClock()
        chargeUnmeasuredWork(upTo: work)
        hostBusy = hostIsBusy(now, work)
        balance = min(capacity, balance + Double(windows) * capacity)
        refilledAt = refilledAt + .nanoseconds(windows * window)
    }

    /// Charges what the thread did since the last window's end outside ``measure(_:)``, its
    /// clock reading `work` now.
    private func chargeUnmeasuredWork(upTo work: Int64) {
        guard !measuring else { return }
        defer {
            threadWorkAtRefill = work
            measuredWork = 0
        }
        guard let last = threadWorkAtRefill, hostBusy else { return }
        let unmeasured = work - last - measuredWork
        if unmeasured > 0 { balance -= Double(unmeasured) }
    }

    private func scheduleWake() {
        guard !wakeScheduled, !waiting.isEmpty else { return }
        wakeScheduled = true
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let now = eventLoop.now
        refill(to: now)
        if balance <= 0 && hostBusy {
            refillWaits += 1
            // The debt is paid back one allowance per window: wake at the end of the window
            // whose refill makes the budget positive.
            let windows = Int64((-balance / capacity).rounded(.down)) + 1
            eventLoop.scheduleTask(deadline: refilledAt + .nanoseconds(windows * window)) { bound.value.wake() }
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
