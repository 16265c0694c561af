import Logging
package import NIOCore

/// The result of work handed to the reactor by ``Reactor/runInReactor(fileID:line:function:_:)-9vy3m``,
/// available to blocking code: Crochet's `EventualResult`.
///
/// Any thread may call any method, any number of times. ``wait(timeout:)`` blocks the calling
/// thread, so it must not be called on the reactor thread (it throws
/// ``ReactorError/waitOnReactorThread`` there instead of deadlocking); `async` code awaits
/// ``wait()`` instead, which blocks nothing. A failure nobody handled is logged as an error
/// with its call site once every handle is gone, whether it arrived before or after the last
/// handle was released; one left in the stash is logged when the reactor stops. Failures are
/// never lost silently.
public final class EventualResult<T: Sendable>: Sendable {
    let box: ResultBox<T>
    private let reactor: Reactor

    /// Wraps `box`; the first handle of a box adopts the count it was born with, a later one
    /// (a retrieve) adds to it.
    init(box: ResultBox<T>, reactor: Reactor, isFirstHandle: Bool = true) {
        if !isFirstHandle { box.retainHandle() }
        self.box = box
        self.reactor = reactor
    }

    deinit {
        if let failure = box.releaseHandle(in: reactor.results) {
            reactor.results.reportUnhandled(failure, id: box.id)
        }
    }

    /// The result's id; ``stash()`` returns the same number.
    package var id: Int { box.id }

    /// Where the work was submitted.
    package var callSite: CallSite { box.callSite }

    /// Pending, succeeded, failed or cancelled.
    package var state: ResultState { box.state }

    /// Whether the result has arrived (in any state but pending). Never blocks.
    package var isReady: Bool { box.isComplete }

    /// Blocks until the result arrives and returns the value, or throws.
    ///
    /// - Parameter timeout: How long to block at most. When it passes, the work is **not**
    ///   cancelled (call ``cancel()``, or use ``Reactor/waitFor(timeout:fileID:line:function:_:)-7amkj``).
    /// - Throws: the body's own error; ``ReactorError/timedOut(after:)``; ``ReactorError/cancelled``;
    ///   ``ReactorError/stopped`` when the reactor stopped first; ``ReactorError/waitOnReactorThread``.
    public func wait(timeout: Duration) throws -> T {
        try reactor.checkNotOnReactorThread()
        guard let outcome = box.wait(timeout: timeout) else { throw ReactorError.timedOut(after: timeout) }
        return try outcome.result.get()
    }

    /// ``wait(timeout:)`` for `async` code: suspends, without blocking a thread, until the result
    /// arrives, and returns the value or throws (the body's own error; ``ReactorError/cancelled``;
    /// ``ReactorError/stopped`` when the reactor stopped first). It has no timeout of its own:
    /// cancelling the waiting task does not cancel the work (call ``cancel()`` for that).
    public func wait() async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            box.whenComplete { outcome in continuation.resume(with: outcome.result) }
        }
    }

    /// A future on the reactor's loop that completes with the result, for code that runs on an
    /// event loop and must not block (cancellation fails it with ``ReactorError/cancelled``).
    /// Looking at a failure this way counts as handling it.
    package var futureResult: EventLoopFuture<T> {
        let promise = reactor.eventLoop.makePromise(of: T.self)
        box.whenComplete { outcome in promise.completeWith(outcome.result) }
        return promise.futureResult
    }

    /// Cancels the work if it has not finished: the result becomes `.cancelled` at once (waiters
    /// get ``ReactorError/cancelled``), and the underlying operation is told to stop on the reactor
    /// thread: a ``Deferred``'s canceller runs, an `async` body's task is cancelled. An
    /// `EventLoopFuture` cannot be stopped; its eventual value is discarded. Does nothing once
    /// the result has arrived.
    public func cancel() {
        reactor.cancel(box)
    }

    /// The failure with its context, or `nil` unless the result failed. Reading it counts as
    /// handling the failure (nothing is logged when the result is released).
    public var failure: ResultFailure? { box.failure }

    /// Keeps the result in the reactor's stash until ``Reactor/retrieveResult(_:as:)`` takes it,
    /// and returns its id. An operator can list the stash (the manhole's `results` command)
    /// without retrieving anything. Stashing twice returns the same id.
    public func stash() -> Int {
        reactor.results.stash(box)
    }
}
