import NIOConcurrencyHelpers
import Logging
package import NIOCore
import Synchronization

/// A call scheduled once on the reactor thread by ``Reactor/callLater(_:name:fileID:line:function:_:)``:
/// Twisted's `IDelayedCall`. It can be cancelled and moved from any thread, and is listed (the
/// manhole's `timers` command) until it fires or is cancelled.
public final class DelayedCall: Sendable {
    /// The timer's id within its reactor.
    package let id: Int
    /// The name given at creation.
    package let name: String
    /// Where it was created.
    package let callSite: CallSite
    /// Told after its run and when it is cancelled (``TimerObservers``).
    package let observers = TimerObservers()

    private struct State {
        var scheduled: Scheduled<Void>?
        var deadline: NIODeadline
        var generation = 0
        var isActive = true
        var hasRun = false
        var lastError: String?
    }

    private let state: NIOLockedValueBox<State>
    private let gate: LoopGate
    private let registry: TimerRegistry
    private let body: @Sendable () throws -> Void
    private let logger: Logger

    init(
        id: Int, name: String, callSite: CallSite, deadline: NIODeadline, gate: LoopGate,
        registry: TimerRegistry, logger: Logger, body: @escaping @Sendable () throws -> Void
    ) {
        self.id = id
        self.name = name
        self.callSite = callSite
        self.gate = gate
        self.registry = registry
        self.logger = logger
        self.body = body
        self.state = NIOLockedValueBox(State(deadline: deadline))
    }

    /// Registers and schedules the call; a stopped reactor leaves it inactive.
    func start() {
        registry.add(self)
        let scheduled = state.withLockedValue { state in
            state.scheduled = schedule(at: state.deadline, generation: state.generation)
            return state.scheduled
        }
        if scheduled == nil { cancel() }
    }

    /// Whether the call is still waiting to fire.
    public var isActive: Bool { state.withLockedValue { $0.isActive } }

    /// When the call fires, on the reactor's clock.
    package var dueTime: NIODeadline { state.withLockedValue { $0.deadline } }

    /// Stops the call from firing. Does nothing if it already fired or was cancelled.
    public func cancel() {
        let scheduled: Scheduled<Void>?? = state.withLockedValue { state in
            guard state.isActive else { return .none }
            state.isActive = false
            state.generation += 1
            // Under the lock, so that nobody sees the call inactive and still listed (lock order:
            // a timer's lock, then the registry's; the registry never calls a timer under its own).
            registry.remove(id: id)
            return .some(state.scheduled)
        }
        guard case .some(let pending) = scheduled else { return }
        pending?.cancel()
        observers.notify(TimerEvent(timerID: id, runCount: 0, duration: nil, error: nil, ended: true))
    }

    /// Makes the call fire `delay` from now instead (Twisted's `reset`); returns `false` if it is
    /// no longer active.
    @discardableResult
    public func reset(to delay: Duration) -> Bool {
        move { _ in .now() + TimeAmount(delay) }
    }

    /// Pushes the call back by `amount` from its current due time (Twisted's `delay`); returns
    /// `false` if it is no longer active.
    @discardableResult
    package func delay(by amount: Duration) -> Bool {
        move { $0 + TimeAmount(amount) }
    }

    private func move(_ newDeadline: (NIODeadline) -> NIODeadline) -> Bool {
        state.withLockedValue { state in
            guard state.isActive else { return false }
            state.scheduled?.cancel()
            state.generation += 1
            state.deadline = newDeadline(state.deadline)
            state.scheduled = schedule(at: state.deadline, generation: state.generation)
            return true
        }
    }

    private func schedule(at deadline: NIODeadline, generation: Int) -> Scheduled<Void>? {
        gate.schedule(at: deadline) { [weak self] in self?.fire(generation: generation) }
    }

    private func fire(generation: Int) {
        let current = state.withLockedValue { state in
            // `Reactor.stop` closes the gate before it cancels the timers, and the loop keeps
            // running due timers in between: one found due after the close must not run.
            guard state.isActive, state.generation == generation, !gate.isClosed else { return false }
            state.isActive = false
            state.hasRun = true
            registry.remove(id: id)
            return true
        }
        guard current else { return }
        var failure: String?
        let started = NIODeadline.now()
        do {
            try gate.activity.run(callSite, .delayedCall, body)
        } catch {
            failure = String(describing: error)
            state.withLockedValue { $0.lastError = failure }
            logger.error(
                "delayed call threw",
                metadata: ["timer": "\(name)", "id": "\(id)", "error": "\(error)", "callSite": "\(callSite)"])
        }
        // Its only run is its end.
        observers.notify(TimerEvent(
            timerID: id, runCount: 1, duration: Duration(NIODeadline.now() - started), error: failure, ended: true))
    }
}

extension DelayedCall: RegisteredTimer {
    func info() -> TimerInfo {
        state.withLockedValue { state in
            TimerInfo(
                id: id, name: name, kind: .delayed, dueTime: state.deadline, interval: nil,
                runCount: state.hasRun ? 1 : 0, lastError: state.lastError, callSite: callSite)
        }
    }
}
