public import NIOCore

extension Reactor {
    /// Runs `body` on the reactor thread and blocks the caller until it finishes: Crochet's `wait_for`.
    ///
    /// - Parameters:
    ///   - timeout: How long to wait. When it passes first, the operation is **cancelled**
    ///     (see ``EventualResult/cancel()``) and ``ReactorError/timedOut(after:)`` is thrown.
    ///   - fileID: The caller's file, kept as the wait's call site (`results --all`, failure reports).
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    ///   - body: The work, run on the reactor thread.
    /// - Returns: The body's value.
    /// - Throws: The body's own error; ``ReactorError/timedOut(after:)``; ``ReactorError/stopped``
    ///   when the reactor stops first; ``ReactorError/waitOnReactorThread`` when called on the
    ///   reactor thread (nothing is submitted then).
    public func waitFor<T: Sendable>(
        timeout: Duration, fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> T
    ) throws -> T {
        try checkNotOnReactorThread()
        return try waitOrCancel(
            submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: true), timeout)
    }

    /// Runs `body` on the reactor thread and blocks until the future it returns completes.
    /// On timeout the result is cancelled (the future's value is discarded) and
    /// ``ReactorError/timedOut(after:)`` is thrown.
    public func waitFor<T: Sendable>(
        timeout: Duration, fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> EventLoopFuture<T>
    ) throws -> T {
        try checkNotOnReactorThread()
        return try waitOrCancel(
            submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: true), timeout)
    }

    /// Runs `body` on the reactor thread and blocks until the ``Deferred`` it returns is settled.
    /// On timeout the deferred is cancelled (its canceller runs) and
    /// ``ReactorError/timedOut(after:)`` is thrown.
    public func waitFor<T: Sendable>(
        timeout: Duration, fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> Deferred<T>
    ) throws -> T {
        try checkNotOnReactorThread()
        return try waitOrCancel(
            submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: true), timeout)
    }

    /// Runs an `async` body on the reactor thread and blocks until it returns. On timeout its task
    /// is cancelled and ``ReactorError/timedOut(after:)`` is thrown.
    public func waitFor<T: Sendable>(
        timeout: Duration, fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () async throws -> T
    ) throws -> T {
        try checkNotOnReactorThread()
        return try waitOrCancel(
            submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: true), timeout)
    }

    /// Throws ``ReactorError/waitOnReactorThread`` on the reactor thread, where a blocking wait
    /// could only deadlock; called before anything is submitted or tracked, so a refused wait
    /// leaves nothing behind.
    func checkNotOnReactorThread() throws {
        if eventLoop.inEventLoop { throw ReactorError.waitOnReactorThread }
    }

    private func waitOrCancel<T: Sendable>(_ result: EventualResult<T>, _ timeout: Duration) throws -> T {
        do {
            return try result.wait(timeout: timeout)
        } catch ReactorError.timedOut(let after) {
            result.cancel()
            throw ReactorError.timedOut(after: after)
        }
    }
}
