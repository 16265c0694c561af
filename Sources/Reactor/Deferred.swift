package import NIOCore
import Synchronization

/// A value that arrives later, and a way to call off the work that produces it: Twisted's
/// `Deferred` with a canceller, on a SwiftNIO promise.
///
/// Return one from a ``Reactor/runInReactor(fileID:line:function:_:)-(()->Deferred<T>)`` body
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

    /// Creates a deferred whose future completes on `eventLoop`.
    /// - Parameters:
    ///   - eventLoop: The loop the future belongs to: the reactor's.
    ///   - canceller: Runs on the event loop when the deferred is cancelled before it is settled;
    ///     it should stop the underlying work (close a socket, cancel a timer) and may settle the
    ///     deferred itself.
    package init(eventLoop: any EventLoop, canceller: (@Sendable (Deferred<T>) -> Void)? = nil) {
        self.promise = eventLoop.makePromise(of: T.self)
        self.futureResult = promise.futureResult
        self.canceller = canceller
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

    /// Runs the canceller (on the event loop) and then fails the deferred with
    /// ``ReactorError/cancelled`` if the canceller did not settle it.
    package func cancel() {
        guard !isSettled else { return }
        let loop = futureResult.eventLoop
        loop.execute {
            self.canceller?(self)
            self.fail(ReactorError.cancelled)
        }
    }

    private func settle() -> Bool {
        isSettledFlag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
