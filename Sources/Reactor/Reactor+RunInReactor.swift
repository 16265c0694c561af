public import NIOCore

extension Reactor {
    /// Runs `body` on the reactor thread and returns at once with its ``EventualResult``.
    ///
    /// If the reactor has stopped, the result is already failed with ``ReactorError/stopped``.
    /// - Parameters:
    ///   - fileID: The caller's file, kept as the result's call site (listings, failure reports).
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    ///   - body: The work; its return value or thrown error becomes the result.
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> T
    ) -> EventualResult<T> {
        submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: false)
    }

    /// Runs `body` on the reactor thread; the result completes when the future it returns does.
    ///
    /// Cancelling the result cannot stop an `EventLoopFuture`'s work (futures have no
    /// cancellation); the future's eventual value is discarded.
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> EventLoopFuture<T>
    ) -> EventualResult<T> {
        submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: false)
    }

    /// Runs `body` on the reactor thread; the result completes when the ``Deferred`` it returns
    /// is settled, and cancelling the result (or a ``waitFor(timeout:fileID:line:function:_:)-(_,_,_,_,()->Deferred<T>)``
    /// timeout) cancels the deferred, which runs its canceller.
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> Deferred<T>
    ) -> EventualResult<T> {
        submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: false)
    }

    /// Runs an `async` body as a task whose jobs execute on the reactor thread; cancelling the
    /// result cancels the task (the body sees `Task.isCancelled` / `CancellationError`).
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () async throws -> T
    ) -> EventualResult<T> {
        submitted(body, at: CallSite(fileID: fileID, line: line, function: function), isAwaited: false)
    }

    /// Makes a ``Deferred`` on the reactor's loop.
    /// - Parameters:
    ///   - type: The type of the value it will hold, when the context does not say.
    ///   - canceller: Runs on the reactor thread when the deferred is cancelled.
    public func makeDeferred<T: Sendable>(
        of type: T.Type = T.self, canceller: (@Sendable (Deferred<T>) -> Void)? = nil
    ) -> Deferred<T> {
        Deferred(gate: gate, canceller: canceller)
    }

    // The bodies of `runInReactor` and `waitFor`: `isAwaited` says a caller waits on the result
    // from the start (`waitFor`), so it never counts as a result nobody waits on.

    func submitted<T: Sendable>(
        _ body: @escaping @Sendable () throws -> T, at callSite: CallSite, isAwaited: Bool
    ) -> EventualResult<T> {
        submit(callSite, isAwaited: isAwaited) { box in
            do { box.succeed(try body()) } catch { box.fail(error) }
        }
    }

    func submitted<T: Sendable>(
        _ body: @escaping @Sendable () throws -> EventLoopFuture<T>, at callSite: CallSite, isAwaited: Bool
    ) -> EventualResult<T> {
        submit(callSite, isAwaited: isAwaited) { box in
            do {
                try body().whenComplete(box.complete(with:))
            } catch {
                box.fail(error)
            }
        }
    }

    func submitted<T: Sendable>(
        _ body: @escaping @Sendable () throws -> Deferred<T>, at callSite: CallSite, isAwaited: Bool
    ) -> EventualResult<T> {
        submit(callSite, isAwaited: isAwaited) { box in
            do {
                let deferred = try body()
                box.setCanceller { deferred.cancel() }
                deferred.futureResult.whenComplete(box.complete(with:))
            } catch {
                box.fail(error)
            }
        }
    }

    func submitted<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T, at callSite: CallSite, isAwaited: Bool
    ) -> EventualResult<T> {
        submit(callSite, isAwaited: isAwaited) { [taskExecutor] box in
            let task = Task(executorPreference: taskExecutor) {
                do { box.succeed(try await body()) } catch { box.fail(error) }
            }
            box.setCanceller { task.cancel() }
        }
    }

    /// The shared path of every `runInReactor`: track a result, start `start` on the loop.
    private func submit<T: Sendable>(
        _ callSite: CallSite, isAwaited: Bool, _ start: @escaping @Sendable (ResultBox<T>) -> Void
    ) -> EventualResult<T> {
        let box = results.makeBox(T.self, callSite: callSite, isAwaited: isAwaited)
        let accepted = !box.isComplete && gate.execute {
            // Cancelled (or interrupted) before it began: the body never runs.
            guard !box.isComplete else { return }
            self.gate.activity.run(callSite, .body) { start(box) }
        }
        if !accepted { box.interrupt(with: .stopped) }
        return EventualResult(box: box, reactor: self)
    }

    /// Cancels `box` and runs its canceller on the reactor thread; returns whether it was pending.
    @discardableResult
    func cancel<T: Sendable>(_ box: ResultBox<T>) -> Bool {
        guard let canceller = box.cancel() else { return false }
        // A result cancelled just before a stop closed the gate is no longer the stop's to call
        // off (it had left the store): its canceller still goes to the loop while the loop runs,
        // and runs here once it no longer does (found by the model, docs/design.md).
        if eventLoop.inEventLoop || !gate.executeWhileLoopRuns(canceller) {
            canceller()
        }
        return true
    }
}
