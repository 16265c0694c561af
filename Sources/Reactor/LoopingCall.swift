import NIOConcurrencyHelpers
import Logging
package import NIOCore
import Synchronization

/// A call repeated on the reactor thread at a fixed rate by
/// ``Reactor/loopingCall(every:now:name:stopOnError:fileID:line:function:_:)``: Twisted's `LoopingCall`.
///
/// Runs are due at `start + k × interval`; when the reactor falls behind, missed runs are
/// skipped rather than bunched. Listed (the manhole's `timers` command) until stopped.
public final class LoopingCall: Sendable {
    /// The timer's id within its reactor.
    package let id: Int
    /// The name given at creation.
    package let name: String
    /// The time between runs.
    package let interval: Duration
    /// Where it was created.
    package let callSite: CallSite
    /// Whether the call stops at the first error its body throws (it runs on otherwise).
    package let stopsOnError: Bool
    /// Told after each run and when the call stops (``TimerObservers``).
    package let observers = TimerObservers()

    private struct State {
        var scheduled: Scheduled<Void>?
        var deadline: NIODeadline
        var isRunning = true
        var runCount = 0
        var errorCount = 0
        var lastError: (any Error)?
        /// Runs that took longer than the interval or started more than an interval late.
        var overruns = 0
        var lastOverrun: (ran: Duration, lateness: Duration, at: NIODeadline)?
    }

    private let state: NIOLockedValueBox<State>
    private let gate: LoopGate
    private let registry: TimerRegistry
    private let logger: Logger
    private let body: @Sendable () throws -> Void

    init(
        id: Int, name: String, interval: Duration, stopsOnError: Bool, callSite: CallSite,
        gate: LoopGate, registry: TimerRegistry, logger: Logger, body: @escaping @Sendable () throws -> Void
    ) {
        precondition(interval > .zero, "a looping call needs a positive interval")
        self.id = id
        self.name = name
        self.interval = interval
        self.stopsOnError = stopsOnError
        self.callSite = callSite
        self.gate = gate
        self.registry = registry
        self.logger = logger
        self.body = body
        self.state = NIOLockedValueBox(State(deadline: .now()))
    }

    /// Registers the call and schedules its first run (`now`, or one interval from now).
    func start(now: Bool) {
        registry.add(self)
        let scheduled = state.withLockedValue { state in
            if !now { state.deadline = state.deadline + TimeAmount(interval) }
            state.scheduled = gate.schedule(at: state.deadline) { [weak self] in self?.run() }
            return state.scheduled
        }
        if scheduled == nil { stop() }
    }

    /// Whether the call is still running.
    public var isRunning: Bool { state.withLockedValue { $0.isRunning } }

    /// How many times the body has run.
    package var runCount: Int { state.withLockedValue { $0.runCount } }

    /// How many runs threw.
    package var errorCount: Int { state.withLockedValue { $0.errorCount } }

    /// The last error the body threw, if any.
    package var lastError: (any Error)? { state.withLockedValue { $0.lastError } }

    /// When the next run is due, on the reactor's clock.
    package var dueTime: NIODeadline { state.withLockedValue { $0.deadline } }

    /// Stops the call; a run already in progress finishes. Does nothing if already stopped.
    public func stop() {
        let scheduled: Scheduled<Void>?? = state.withLockedValue { state in
            guard state.isRunning else { return .none }
            state.isRunning = false
            // Under the lock, so that nobody sees the call stopped and still listed (lock order:
            // a timer's lock, then the registry's; the registry never calls a timer under its own).
            registry.remove(id: id)
            return .some(state.scheduled)
        }
        guard case .some(let pending) = scheduled else { return }
        pending?.cancel()
        observers.notify(TimerEvent(timerID: id, runCount: runCount, duration: nil, error: nil, ended: true))
    }

    private func run() {
        // `Reactor.stop` closes the gate before it stops the timers, and the loop keeps running
        // due timers in between: a run found due after the close must not happen.
        guard isRunning, !gate.isClosed else { return }
        var failure: (any Error)?
        let started = NIODeadline.now()
        do { try gate.activity.run(callSite, .loopingCall, body) } catch { failure = error }
        let ended = NIODeadline.now()
        if let failure {
            logger.error(
                "looping call threw",
                metadata: ["timer": "\(name)", "id": "\(id)", "error": "\(failure)", "callSite": "\(callSite)"])
        }
        let (keepGoing, runs) = state.withLockedValue { state -> (Bool, Int) in
            state.runCount += 1
            // Only this thread moves `deadline` once started, so it is still this run's due time.
            let (ran, lateness) = (Duration(ended - started), Duration(max(.zero, started - state.deadline)))
            if ran > interval || lateness > interval {
                state.overruns += 1
                state.lastOverrun = (ran, lateness, ended)
            }
            if let failure {
                state.errorCount += 1
                state.lastError = failure
            }
            guard state.isRunning, failure == nil || !stopsOnError else { return (false, state.runCount) }
            state.deadline = nextDeadline(after: state.deadline)
            state.scheduled = gate.schedule(at: state.deadline) { [weak self] in self?.run() }
            return (state.scheduled != nil, state.runCount)
        }
        observers.notify(TimerEvent(
            timerID: id, runCount: runs, duration: Duration(ended - started), error: failure.map { String(describing: $0) },
            ended: false))
        if !keepGoing { stop() }
    }

    /// The first `previous + k × interval` (k ≥ 1) that is still in the future: missed runs are skipped.
    private func nextDeadline(after previous: NIODeadline) -> NIODeadline {
        let step = TimeAmount(interval).nanoseconds
        let late = (NIODeadline.now() - previous).nanoseconds
        let steps = late < step ? 1 : late / step + 1
        return previous + .nanoseconds(steps * step)
    }
}

extension LoopingCall: RegisteredTimer {
    func info() -> TimerInfo {
        state.withLockedValue { state in
            TimerInfo(
                id: id, name: name, kind: .looping, dueTime: state.deadline, interval: interval,
                runCount: state.runCount, lastError: state.lastError.map { String(describing: $0) },
                callSite: callSite)
        }
    }

    func cancel() { stop() }

    func overrun() -> LoopingCallOverrun? {
        state.withLockedValue { state in
            state.lastOverrun.map { last in
                LoopingCallOverrun(
                    timerID: id, name: name, callSite: callSite, interval: interval, count: state.overruns,
                    lastRan: last.ran, lastLateness: last.lateness, lastAt: last.at)
            }
        }
    }
}
