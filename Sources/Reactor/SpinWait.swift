#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import Synchronization

/// A bounded, adaptive spin before a blocked caller parks on a condition variable.
///
/// Parking costs a wake from idle (about 25 µs on a small VM, see shared/PLATFORM.md); a short
/// reactor round trip finishes well inside that, so a waiter first polls for up to
/// ``maximumSpin``. The budget adapts: it halves every time a spin ends empty-handed (long bodies
/// stop wasting CPU) and grows again whenever a result arrives quickly, whether the waiter was
/// spinning or parked.
enum SpinWait {
    /// The longest a waiter spins before parking, in nanoseconds.
    static let maximumSpin: Int = 50_000
    private static let growth: Int = 5_000
    private static let budget = Atomic<Int>(maximumSpin)

    /// Polls `isDone` until it returns `true` (returns `true`) or the current budget runs out (`false`).
    static func spin(until isDone: () -> Bool) -> Bool {
        let limit = budget.load(ordering: .relaxed)
        if isDone() { return true }
        guard limit > 0 else { return false }
        let start = NIODeadline.now().uptimeNanoseconds
        var iteration = 0
        while true {
            iteration &+= 1
            if isDone() {
                let spent = Int(NIODeadline.now().uptimeNanoseconds &- start)
                record(fastResultAfter: spent)
                return true
            }
            if iteration & 15 == 0 {
                let spent = Int(NIODeadline.now().uptimeNanoseconds &- start)
                if spent > limit {
                    budget.store(limit / 2, ordering: .relaxed)
                    return false
                }
                // Let the reactor thread run if it shares our core.
                sched_yield()
            }
        }
    }

    /// Tells the policy a result arrived `nanoseconds` after the wait began, so spinning would pay.
    static func record(fastResultAfter nanoseconds: Int) {
        guard nanoseconds <= maximumSpin else { return }
        let current = budget.load(ordering: .relaxed)
        if current < maximumSpin {
            budget.store(Swift.min(maximumSpin, current + growth), ordering: .relaxed)
        }
    }
}
