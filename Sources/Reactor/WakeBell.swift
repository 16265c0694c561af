import NIOConcurrencyHelpers
import Synchronization

/// How the reactor thread wakes a parked watchdog without paying for it while the watchdog is
/// awake: a run reads one atomic flag, and only when the watchdog has parked does it take the
/// lock and signal. A timed wait doubles as the watchdog's sleep between looks.
final class WakeBell: Sendable {
    private let isParked = Atomic<Bool>(false)
    private let rung = ConditionLock(value: false)

    /// Wakes the watchdog if it has parked; one atomic load otherwise.
    func ringIfParked() {
        guard isParked.load(ordering: .relaxed),
            isParked.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged
        else { return }
        ring()
    }

    /// Wakes the watchdog whether it sleeps or parks (used to stop it).
    func ring() {
        rung.lock()
        rung.unlock(withValue: true)
    }

    /// Sleeps until rung or until `seconds` have passed.
    func sleep(seconds: Double) {
        if rung.lock(whenValue: true, timeoutSeconds: seconds) { rung.unlock(withValue: false) }
    }

    /// Parks until rung, unless `isBusy` says work started while parking began (a run that began
    /// between the watchdog's last look and the flag would otherwise go unseen).
    func park(unless isBusy: () -> Bool) {
        isParked.store(true, ordering: .sequentiallyConsistent)
        if isBusy(), isParked.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            return
        }
        rung.lock(whenValue: true)
        rung.unlock(withValue: false)
        isParked.store(false, ordering: .sequentiallyConsistent)
    }
}
