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
        submit(CallSite(fileID: fileID, line: line, function: function)) { box in
            do { box.succeed(try body()) } catch { box.fail(error) }
        }
    }

    /// Runs `body` on the reactor thread; the result completes when the future it returns does.
    ///
    /// Cancelling the result cannot stop an `EventLoopFuture`'s work (futures have no
    /// cancellation); the future's eventual value is discarded.
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> EventLoopFuture<T>
    ) -> EventualResult<T> {
        submit(CallSite(fileID: fileID, line: line, function: function)) { box in
            do {
                try body().whenComplete(box.complete(with:))
            } catch {
                box.fail(error)
            }
        }
    }

    /// Runs `body` on the reactor thread; the result completes when the ``Deferred`` it returns
    /// is settled, and cancelling the result (or a ``waitFor(timeout:fileID:line:function:_:)-(_,_,_,_,()->Deferred<T>)``
    /// timeout) cancels the deferred, which runs its canceller.
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> Deferred<T>
    ) -> EventualResult<T> {
        submit(CallSite(fileID: fileID, line: line, function: function)) { box in
            do {
                let deferred = try body()
                box.setCanceller { deferred.cancel() }
                deferred.futureResult.whenComplete(box.complete(with:))
            } catch {
                box.fail(error)
            }
        }
    }

    /// Runs an `async` body as a task whose jobs execute on the reactor thread; cancelling the
    /// result cancels the task (the body sees `Task.isCancelled` / `CancellationError`).
    public func runInReactor<T: Sendable>(
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () async throws -> T
    ) -> EventualResult<T> {
        submit(CallSite(fileID: fileID, line: line, function: function)) { [taskExecutor] box in
            let task = Task(executorPreference: taskExecutor) {
                do { box.succeed(try await body()) } catch { box.fail(error) }
            }
            box.setCanceller { task.cancel() }
        }
    }

    /// Makes a ``Deferred`` on the reactor's loop.
    /// - Parameter canceller: Runs on the reactor thread when the deferred is cancelled.
    public func makeDeferred<T: Sendable>(
        of type: T.Type = T.self, canceller: (@Sendable (Deferred<T>) -> Void)? = nil
    ) -> Deferred<T> {
        Deferred(eventLoop: eventLoop, canceller: canceller)
    }

    /// The shared path of every `runInReactor`: track a result, start `start` on the loop.
    private func submit<T: Sendable>(
        _ callSite: CallSite, _ start: @escaping @Sendable (ResultBox<T>) -> Void
    ) -> EventualResult<T> {
        let box = results.makeBox(T.self, callSite: callSite)
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
        if eventLoop.inEventLoop {
            canceller()
        } else {
            gate.execute(canceller)
        }
        return true
    }
}
