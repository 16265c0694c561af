import Foundation
import Synchronization

/// What the probe counts while it shuts down, shared by the waiter threads, the timer bodies and
/// the exit report. Kept out of `main.swift` so that it is not isolated to the main actor.
enum Outcomes {
    /// Threads blocked in `waitFor`.
    static let waiterCount = 100
    /// Waiters that got `ReactorError.stopped`.
    static let waitersStopped = Atomic<Int>(0)
    /// Waiters that returned a value or got any other error.
    static let waitersOther = Atomic<Int>(0)
    /// Timer bodies run, in all.
    static let timerRuns = Atomic<Int>(0)
    /// Timer bodies that began after the stop's shutdown hook ran on the reactor thread.
    static let timersAfterStop = Atomic<Int>(0)
    /// Whether the probe's shutdown hook ran (set on the reactor thread).
    static let stopHookRan = Atomic<Bool>(false)
    /// Whether the report was printed (it is printed once).
    static let reported = Atomic<Bool>(false)
}

/// Writes a line straight to standard output (unbuffered, so nothing is lost at exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Prints the outcome lines the parent checks. Runs from an `atexit` handler registered before
/// `Reactor.setup()`, so after the reactor's own exit handler has stopped it, on both the `stop`
/// and the `return` path. Waiters were woken by the stop; their threads may still be recording
/// what they got, so this waits (bounded) until every one has.
func report() {
    guard Outcomes.reported.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    else { return }
    let deadline = ContinuousClock.now + .seconds(10)
    func recorded() -> Int {
        Outcomes.waitersStopped.load(ordering: .sequentiallyConsistent)
            + Outcomes.waitersOther.load(ordering: .sequentiallyConsistent)
    }
    while recorded() < Outcomes.waiterCount, ContinuousClock.now < deadline { usleep(1_000) }
    say("waiters stopped=\(Outcomes.waitersStopped.load(ordering: .sequentiallyConsistent)) "
        + "other=\(Outcomes.waitersOther.load(ordering: .sequentiallyConsistent))")
    say("timers fired-after-stop=\(Outcomes.timersAfterStop.load(ordering: .sequentiallyConsistent)) "
        + "runs=\(Outcomes.timerRuns.load(ordering: .sequentiallyConsistent))")
    say("exiting")
}
