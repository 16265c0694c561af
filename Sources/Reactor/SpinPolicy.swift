import NIOCore
import Synchronization

/// A bounded, adaptive spin before a thread parks or sleeps: used by blocked callers waiting for
/// a result, and by the reactor's drain waiting for the next call (see `LoopGate`).
///
/// Parking costs a wake from idle (tens of microseconds on a small VM, see shared/PLATFORM.md);
/// a short reactor round trip finishes well inside that, so a waiter first polls for up to
/// ``maximumSpin``.
///
/// The spin never calls `sched_yield`. It did once, to let a peer sharing the core run; on an
/// oversubscribed machine (a CPU-bound host thread, load clients, compilers) each yield handed
/// the core away for a whole time slice of every other runnable thread, and the reactor, which
/// yielded in its drain after every call of a busy blocking caller, got a few milliseconds of
/// CPU per second: sessions stalled for seconds (seen with `manhole-load run --host-work
/// --soak`). A spin bounded in wall time that keeps its core costs at most ``maximumSpin`` per
/// wait, and the scheduler still preempts it like any running thread.
///
/// The policy adapts: a spin that ends empty-handed halves the budget, down to zero (then the
/// thread parks at once, as it would without spinning); a successful spin restores the full
/// budget; while the budget is zero, one wait in ``probeInterval`` spins anyway to find out
/// whether spinning pays again.
final class SpinPolicy: Sendable {
    /// The longest one spin lasts, in nanoseconds.
    static let maximumSpin = 20_000
    /// While spinning does not pay, one wait in this many still tries it.
    static let probeInterval = 64

    private let budget = Atomic<Int>(SpinPolicy.maximumSpin)
    private let waitsSinceProbe = Atomic<Int>(0)
    private let countsTime: Bool
    private let spun = Atomic<Int>(0)

    /// - Parameter countsTime: Whether to add up the time spent spinning (``spunNanoseconds``),
    ///   at one more clock read per spin that catches its work.
    init(countsTime: Bool = false) {
        self.countsTime = countsTime
    }

    /// The nanoseconds spent spinning so far, when the policy counts them (0 otherwise).
    var spunNanoseconds: Int { spun.load(ordering: .relaxed) }

    /// Polls `isDone` until it returns `true` (returns `true`) or the budget runs out (`false`).
    func spin(until isDone: () -> Bool) -> Bool {
        if isDone() { return true }
        var limit = budget.load(ordering: .relaxed)
        if limit == 0 {
            guard waitsSinceProbe.add(1, ordering: .relaxed).newValue % Self.probeInterval == 0 else { return false }
            limit = Self.maximumSpin
        }
        let start = NIODeadline.now().uptimeNanoseconds
        var iteration = 0
        while true {
            if isDone() {
                budget.store(Self.maximumSpin, ordering: .relaxed)
                if countsTime { spun.add(Int(NIODeadline.now().uptimeNanoseconds &- start), ordering: .relaxed) }
                return true
            }
            iteration &+= 1
            if iteration & 7 == 0 {
                let elapsed = Int(NIODeadline.now().uptimeNanoseconds &- start)
                if elapsed > limit {
                    budget.store(limit / 2 < 1_000 ? 0 : limit / 2, ordering: .relaxed)
                    if countsTime { spun.add(elapsed, ordering: .relaxed) }
                    return false
                }
            }
        }
    }
}
