import NIOConcurrencyHelpers
package import NIOCore

/// How a caller on another event loop (the manhole's sessions) hands work to the reactor thread
/// without waiting on it for ever: the work must start within ``startWithin`` or it is called
/// off (it will not run later) and the caller is told what holds the reactor (``ReactorBusy``).
package struct ReactorCall: Sendable {
    /// The loop the returned futures complete on (the caller's own).
    package var deliveryLoop: any EventLoop
    /// How long the work may wait for the reactor thread to take it up.
    package var startWithin: Duration
    /// Where the work comes from, recorded as its run's call site (`loop` shows it).
    package var callSite: CallSite
    /// Told, on ``deliveryLoop`` just before the outcome is delivered, how long the work held
    /// the reactor thread (a budget is charged with it).
    package var charge: @Sendable (Duration) -> Void
    /// Counts the promises made on ``deliveryLoop`` for this call and not yet fulfilled, so that
    /// the loop's owner ends it only once none is left (a promise left unfulfilled on a loop that
    /// has shut down can never be fulfilled).
    package var deliveries: PendingDeliveries?
    /// Calls the work off when interrupted: before it starts, or (`async` work) while it runs.
    package var interruption: CallInterruption?

    /// - Parameters:
    ///   - deliveryLoop: The loop the returned futures complete on.
    ///   - startWithin: How long the work may wait for the reactor thread.
    ///   - callSite: Recorded as the run's call site.
    ///   - charge: Told how long the work held the reactor thread.
    ///   - deliveries: Counts the promises made for the call until they are fulfilled.
    package init(
        deliveryLoop: any EventLoop, startWithin: Duration, callSite: CallSite, deliveries: PendingDeliveries? = nil,
        charge: @escaping @Sendable (Duration) -> Void = { _ in }
    ) {
        self.deliveryLoop = deliveryLoop
        self.startWithin = startWithin
        self.callSite = callSite
        self.deliveries = deliveries
        self.charge = charge
    }

    /// A promise on ``deliveryLoop``, counted by ``deliveries`` until it is fulfilled.
    package func makePromise<R: Sendable>(of type: R.Type = R.self) -> EventLoopPromise<R> {
        let promise = deliveryLoop.makePromise(of: R.self)
        if let deliveries {
            deliveries.enter()
            promise.futureResult.whenComplete { _ in deliveries.leave() }
        }
        return promise
    }
}

/// The promises a loop's owner has handed out and that are not yet fulfilled: work on other
/// threads (the reactor, a queue) will fulfil them, and it can only do so while the loop runs.
package final class PendingDeliveries: Sendable {
    private struct State {
        var count = 0
        var whenNone: [@Sendable () -> Void] = []
    }

    private let state = NIOLockedValueBox(State())

    package init() {}

    /// How many promises are not yet fulfilled.
    package var count: Int { state.withLockedValue { $0.count } }

    func enter() { state.withLockedValue { $0.count += 1 } }

    func leave() {
        let run = state.withLockedValue { state -> [@Sendable () -> Void] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.whenNone = [] }
            return state.whenNone
        }
        for body in run { body() }
    }

    /// Runs `body` once no promise is pending: at once if none is.
    package func whenNone(_ body: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state in
            if state.count == 0 { return true }
            state.whenNone.append(body)
            return false
        }
        if now { body() }
    }
}

/// Work handed over with a ``ReactorCall`` was not taken up in time: the reactor thread was
/// running something else all along. Says what, from where, and for how long.
package struct ReactorBusy: Error, Sendable, CustomStringConvertible {
    /// How long the work waited.
    package var waited: Duration
    /// What the reactor thread was running when the wait ended; `nil` when it ran nothing the
    /// Reactor records (the host's own I/O handlers, or a long queue of short work).
    package var running: LoopActivity.Run?
    /// When the wait ended, on the reactor's clock.
    package var at: NIODeadline

    package var description: String {
        guard let running else {
            return "the reactor did not take this up within \(DurationFormat.string(waited)): it is busy with work it does not "
                + "record (the host's own I/O handlers, or a long queue); try again or see `loop`"
        }
        let busyFor = DurationFormat.string(Duration(max(.zero, at - running.startedAt)))
        let what = switch running.kind {
        case .body: "a body submitted at"
        case .delayedCall: "a delayed call created at"
        case .loopingCall: "a looping call created at"
        }
        return "the reactor has been busy for \(busyFor) in \(what) \(running.callSite); try again or see `loop`"
    }
}

extension Reactor {
    /// Runs `work` on the reactor thread if it starts within `call.startWithin`; the future (on
    /// `call.deliveryLoop`) has its value or error, ``ReactorBusy`` when it did not start in
    /// time (it then never runs), or ``ReactorError/stopped``. Not tracked as a result.
    package func call<R: Sendable>(_ call: ReactorCall, _ work: @escaping @Sendable () throws -> R) -> EventLoopFuture<R> {
        let promise = call.makePromise(of: R.self)
        guard let start = StartRace(self, call, promise, stoppableOnceStarted: false) else { return promise.futureResult }
        let accepted = gate.execute {
            guard start.begin() else { return }
            let began = NIODeadline.now()
            let outcome = self.gate.activity.run(call.callSite, .body) { Result(catching: work) }
            let spent = Duration(NIODeadline.now() - began)
            // One hop back to the caller's loop carries the charge and the outcome together.
            start.finish(outcome) { call.charge(spent) }
        }
        if !accepted { start.finish(.failure(ReactorError.stopped)) }
        return promise.futureResult
    }

    /// Runs an `async` `work` as ``runInReactor(fileID:line:function:_:)-(_,_,_,()async throws->T)``
    /// does (a task whose jobs run on the reactor thread, tracked as a result), if it starts within
    /// `call.startWithin`; otherwise it never runs and the future fails with ``ReactorBusy``. Its
    /// time is not charged (`call.charge` is not called): a host command's work is the host's.
    package func callAsync<R: Sendable>(
        _ call: ReactorCall, _ work: @escaping @Sendable () async throws -> R
    ) -> EventLoopFuture<R> {
        let promise = call.makePromise(of: R.self)
        guard let start = StartRace(self, call, promise, stoppableOnceStarted: true) else { return promise.futureResult }
        let site = call.callSite
        let result = runInReactor(fileID: site.fileID, line: site.line, function: site.function) { () async throws -> R in
            guard start.begin() else { throw ReactorError.cancelled }
            // Settled from the task itself: through the result's future, the answer would wait
            // on the reactor's loop behind whatever the work left queued there.
            let outcome: Result<R, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            start.finish(outcome)
            return try outcome.get()
        }
        start.onAbandon { result.cancel() }
        // A result failed before its body ran (the reactor stopped) settles the call too.
        result.futureResult.whenComplete { start.finish($0) }
        return promise.futureResult
    }
}

/// The race between a handed-over call starting on the reactor thread and its wait running out
/// on the caller's loop (or an interrupt): whichever comes first wins, once, and only the winner
/// settles the promise.
///
/// The wait's timer lives on the caller's loop and is cancelled there, in the same task that
/// delivers the outcome: cancelling it from the reactor thread as the work starts would cost a
/// second cross-thread hop (and often a second wake-up of the caller's thread) per call. A timer
/// that fires after the start finds the race decided and does nothing.
private final class StartRace<R: Sendable>: Sendable {
    /// `abandoned`: the wait ran out, or an interrupt came, first; `settled`: the call has its
    /// outcome (an interrupt after the start settles it too, for work that can be stopped).
    private enum Phase { case waiting, started, abandoned, settled }

    private struct State {
        var phase = Phase.waiting
        var timer: Scheduled<Void>?
        var abandonHandler: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())
    private let promise: EventLoopPromise<R>

    /// `nil` (the promise failed) when the reactor has stopped. `stoppableOnceStarted`: an
    /// interrupt after the start still settles the call (its abandon handler stops the work).
    init?(_ reactor: Reactor, _ call: ReactorCall, _ promise: EventLoopPromise<R>, stoppableOnceStarted: Bool) {
        self.promise = promise
        guard !reactor.isStopped else {
            promise.fail(ReactorError.stopped)
            return nil
        }
        let scheduled = call.deliveryLoop.scheduleTask(in: TimeAmount(call.startWithin)) { [self] in
            let handler: (@Sendable () -> Void)?? = state.withLockedValue { state in
                guard state.phase == .waiting else { return .none }
                state.phase = .abandoned
                return .some(state.abandonHandler)
            }
            guard case .some(let handler) = handler else { return }
            handler?()
            promise.fail(ReactorBusy(waited: call.startWithin, running: reactor.activity.current, at: .now()))
        }
        state.withLockedValue { $0.timer = scheduled }
        let loop = call.deliveryLoop
        call.interruption?.onInterrupt { [self] in interrupt(stoppableOnceStarted: stoppableOnceStarted, loop: loop) }
    }

    /// The caller's interrupt: settles the call with ``CallInterrupted`` while it waits (it will
    /// not run) or, when `stoppableOnceStarted`, while it runs (its abandon handler stops it).
    /// The failure is delivered in a later task on `loop`, so the interrupting caller finishes
    /// what it does before the call's callbacks run.
    private func interrupt(stoppableOnceStarted: Bool, loop: any EventLoop) -> Bool {
        let taken: (timer: Scheduled<Void>?, handler: (@Sendable () -> Void)?, started: Bool)? = state.withLockedValue { state in
            switch state.phase {
            case .waiting:
                state.phase = .abandoned
                return (state.timer, state.abandonHandler, false)
            case .started where stoppableOnceStarted:
                state.phase = .abandoned
                return (state.timer, state.abandonHandler, true)
            case .started, .abandoned, .settled:
                return nil
            }
        }
        guard let taken else { return false }
        taken.timer?.cancel()
        taken.handler?()
        let promise = promise
        loop.execute { promise.fail(CallInterrupted(started: taken.started)) }
        return true
    }

    /// Called on the reactor thread as the work starts; `false` when the wait ran out first.
    /// The timer stays: ``finish(_:before:)`` cancels it on the caller's loop.
    func begin() -> Bool {
        state.withLockedValue { state in
            guard state.phase == .waiting else { return false }
            state.phase = .started
            return true
        }
    }

    /// Settles the call with `outcome`: the work's, once it started; or an error that came
    /// before it could (the reactor refused it or stopped). Only the first settles it; ignored
    /// once the wait has run out. On the promise's loop, in one task, it cancels the wait's
    /// timer, runs `before`, and completes the promise.
    func finish(_ outcome: Result<R, any Error>, before: (@Sendable () -> Void)? = nil) {
        let timer: Scheduled<Void>?? = state.withLockedValue { state in
            switch state.phase {
            case .abandoned, .settled: return .none
            case .started, .waiting:
                state.phase = .settled
                return .some(state.timer)
            }
        }
        guard case .some(let scheduled) = timer else { return }
        let promise = promise
        let deliver: @Sendable () -> Void = {
            scheduled?.cancel()
            before?()
            promise.completeWith(outcome)
        }
        let loop = promise.futureResult.eventLoop
        if loop.inEventLoop { deliver() } else { loop.execute(deliver) }
    }

    /// Runs `handler` if the wait runs out (at once if it already has).
    func onAbandon(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLockedValue { state in
            if state.phase == .abandoned { return true }
            state.abandonHandler = handler
            return false
        }
        if runNow { handler() }
    }
}
