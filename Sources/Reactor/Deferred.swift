package import NIOCore
import Synchronization

/// A value that arrives later, and a way to call off the work that produces it: Twisted's
/// `Deferred` with a canceller, on a SwiftNIO promise.
///
/// Return one from a ``Reactor/runInReactor(fileID:line:function:_:)-(_,_,_,()->Deferred<T>)`` body
/// when the work can be stopped: cancelling the ``EventualResult`` (or a
/// ``Reactor/waitFor(timeout:fileID:line:function:_:)-(_,_,_,_,()->Deferred<T>)`` timing out)
/// runs the canceller on the reactor thread, then fails the deferred with ``ReactorError/cancelled``
/// unless the canceller already settled it. The first of `succeed`, `fail` and that cancellation
/// wins; later ones are ignored. All methods may be called from any thread. Make one with
/// ``Reactor/makeDeferred(of:canceller:)``.
public final class Deferred<T: Sendable>: Sendable {
    /// The future that completes when the deferred is settled.
    package let futureResult: EventLoopFuture<T>
    private let promise: EventLoopPromise<T>
    private let isSettledFlag = Atomic<Bool>(false)
    private let canceller: (@Sendable (Deferred<T>) -> Void)?
    private let gate: LoopGate

    /// Creates a deferred whose future completes on the gate's loop.
    /// - Parameters:
    ///   - gate: The door to the reactor's loop, which the cancellation goes through.
    ///   - canceller: Runs on the event loop when the deferred is cancelled before it is settled;
    ///     it should stop the underlying work (close a socket, cancel a timer) and may settle the
    ///     deferred itself.
    init(gate: LoopGate, canceller: (@Sendable (Deferred<T>) -> Void)? = nil) {
        self.promise = gate.eventLoop.makePromise(of: T.self)
        self.futureResult = promise.futureResult
        self.canceller = canceller
        self.gate = gate
    }

    /// Whether `succeed`, `fail` or `cancel` has been called.
    package var isSettled: Bool { isSettledFlag.load(ordering: .acquiring) }

    /// Settles the deferred with a value.
    public func succeed(_ value: T) {
        if settle() { promise.succeed(value) }
    }

    /// Settles the deferred with an error.
    public func fail(_ error: any Error) {
        if settle() { promise.fail(error) }
    }

    /// Runs the canceller and then fails the deferred with ``ReactorError/cancelled`` if the
    /// canceller did not settle it: at once on the reactor thread, else on the loop while it runs,
    /// else (a stop has ended the loop) on this thread, so the work is called off even when a
    /// cancel races the stop (found by the model, docs/design.md).
    package func cancel() {
        guard !isSettled else { return }
        let callOff: @Sendable () -> Void = {
            self.canceller?(self)
            self.fail(ReactorError.cancelled)
        }
        if gate.eventLoop.inEventLoop || !gate.executeWhileLoopRuns(callOff) { callOff() }
    }

    private func settle() -> Bool {
        isSettledFlag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
