extension Reactor {
    /// A result that completes when all of `results` have: with their values in input order when
    /// every one succeeds; as soon as one fails, with that failure (the input's own error and call
    /// site, as ``EventualResult/failure`` shows it), whichever input finished first; with
    /// ``ReactorError/cancelled`` as soon as one is cancelled; with ``ReactorError/stopped`` when the
    /// reactor stops first. An empty list gives a result that has already succeeded with `[]`.
    ///
    /// The gather is a tracked result of its own, made at the caller's call site: the manhole's
    /// `results` view lists it (value type `Swift.Array<T>`) while it is pending. It is completed by the
    /// inputs' own completion callbacks, with no polling and no thread. Cancelling it does not
    /// cancel the inputs. The failure it reports counts as handled for the input it came from (marked
    /// just after the gather completes: a caller woken by it that drops that input at once may,
    /// rarely, still see it logged; the blocking forms mark it before they return); a later failure
    /// of another input does not count, and is logged as unhandled if nobody looks at it.
    package func gatherAll<T: Sendable>(
        _ results: [EventualResult<T>], fileID: String = #fileID, line: Int = #line, function: String = #function
    ) -> EventualResult<[T]> {
        let gather = self.results.makeBox([T].self, callSite: CallSite(fileID: fileID, line: line, function: function))
        Gather.all(results.map(GatherInput.init), into: gather, finish: Self.values(of: T.self))
        return EventualResult(box: gather, reactor: self)
    }

    /// Blocks until every one of `results` has succeeded and returns their values in input order,
    /// or until the first of them (in time) fails, and throws that failure.
    ///
    /// The wait is a tracked result of its own, made at the caller's call site, so the manhole's
    /// `results` view lists it while it waits (value type `Swift.Array<T>`, with its waiter); it is
    /// completed by the inputs' completion callbacks, without polling. The failure thrown counts as
    /// handled for the input it came from; a second input's failure, which nobody was told of, is
    /// still logged as unhandled when its ``EventualResult`` is released unlooked-at.
    ///
    /// ```swift
    /// let totals = try reactor.waitForAll([reactor.runInReactor { 1 }, reactor.runInReactor { 2 }], timeout: .seconds(5))
    /// ```
    /// - Parameters:
    ///   - results: The results to wait for; an empty list returns `[]` at once.
    ///   - timeout: How long to block at most.
    ///   - cancelRemainingOnTimeout: Whether the results still pending are cancelled (as
    ///     ``EventualResult/cancel()`` does) when `timeout` passes; otherwise they keep running.
    ///   - cancelRemainingOnFailure: Whether the results still pending are cancelled when one fails.
    ///   - fileID: The caller's file, kept as the wait's call site (listings).
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    /// - Returns: The values, in the order of `results`.
    /// - Throws: The first failure's own error; ``ReactorError/cancelled`` when an input was
    ///   cancelled; ``ReactorError/timedOut(after:)``; ``ReactorError/stopped`` when the reactor stops
    ///   first; ``ReactorError/waitOnReactorThread`` on the reactor thread (nothing is waited for then).
    public func waitForAll<T: Sendable>(
        _ results: [EventualResult<T>], timeout: Duration, cancelRemainingOnTimeout: Bool = true,
        cancelRemainingOnFailure: Bool = false, fileID: String = #fileID, line: Int = #line, function: String = #function
    ) throws -> [T] {
        try checkNotOnReactorThread()
        guard !results.isEmpty else { return [] }
        let inputs = results.map(GatherInput.init)
        let gather = self.results.makeBox(
            [T].self, callSite: CallSite(fileID: fileID, line: line, function: function), isAwaited: true)
        Gather.all(inputs, into: gather, finish: Self.values(of: T.self))
        return try waitForGather(
            gather, inputs, timeout, cancelRemainingOnTimeout: cancelRemainingOnTimeout,
            cancelRemainingOnFailure: cancelRemainingOnFailure)
    }

    /// `waitForAll` for results of different types, passed as separate arguments: returns their
    /// values as a tuple, in argument order.
    ///
    /// ```swift
    /// let (count, name) = try reactor.waitForAll(reactor.runInReactor { 3 }, reactor.runInReactor { "jobs" }, timeout: .seconds(5))
    /// ```
    /// The wait is listed as one tracked result (value type the tuple's, e.g.
    /// `(Swift.Int, Swift.String)`); failures, timeout, cancelling and stopping behave as in the
    /// single-type form, and no arguments return `()` at once.
    /// - Parameters:
    ///   - results: The results to wait for, each of its own type.
    ///   - timeout: How long to block at most.
    ///   - cancelRemainingOnTimeout: Whether the results still pending are cancelled when `timeout` passes.
    ///   - cancelRemainingOnFailure: Whether the results still pending are cancelled when one fails.
    ///   - fileID: The caller's file, kept as the wait's call site.
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    /// - Throws: As the single-type form: the first failure's own error, ``ReactorError/cancelled``,
    ///   ``ReactorError/timedOut(after:)``, ``ReactorError/stopped``, ``ReactorError/waitOnReactorThread``.
    public func waitForAll<each T: Sendable>(
        _ results: repeat EventualResult<each T>, timeout: Duration, cancelRemainingOnTimeout: Bool = true,
        cancelRemainingOnFailure: Bool = false, fileID: String = #fileID, line: Int = #line, function: String = #function
    ) throws -> (repeat each T) {
        try checkNotOnReactorThread()
        var inputs: [GatherInput] = []
        for result in repeat each results { inputs.append(GatherInput(result)) }
        guard !inputs.isEmpty else { return Self.tuple([], repeat (each T).self) }
        let gather = self.results.makeBox(
            (repeat each T).self, callSite: CallSite(fileID: fileID, line: line, function: function), isAwaited: true)
        Gather.all(inputs, into: gather) { values in Self.tuple(values, repeat (each T).self) }
        return try waitForGather(
            gather, inputs, timeout, cancelRemainingOnTimeout: cancelRemainingOnTimeout,
            cancelRemainingOnFailure: cancelRemainingOnFailure)
    }

    /// `values` as a tuple of `types`: each value came from the input at its index, whose type is
    /// the pack's element there.
    private static func tuple<each U>(_ values: [any Sendable], _ types: repeat (each U).Type) -> (repeat each U) {
        var index = 0
        func next<V>(_: V.Type) -> V {
            defer { index += 1 }
            return values[index] as! V
        }
        return (repeat next(each types))
    }

    /// Blocks until every one of `results` has finished and returns each outcome, in input order:
    /// a failed input's error is in its slot (``ReactorError/cancelled`` for a cancelled one) and
    /// is never thrown; reading them this way counts as handling them.
    ///
    /// The wait is a tracked result listed like any other (value type `Swift.Array<Swift.Result<T, any Swift.Error>>`).
    /// - Parameters:
    ///   - results: The results to wait for; an empty list returns `[]` at once.
    ///   - timeout: How long to block at most.
    ///   - cancelRemainingOnTimeout: Whether the results still pending are cancelled when `timeout`
    ///     passes; otherwise they keep running.
    ///   - fileID: The caller's file, kept as the wait's call site.
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    /// - Throws: ``ReactorError/timedOut(after:)``; ``ReactorError/stopped`` when the reactor stops
    ///   first; ``ReactorError/waitOnReactorThread`` on the reactor thread.
    public func waitForAllOutcomes<T: Sendable>(
        _ results: [EventualResult<T>], timeout: Duration, cancelRemainingOnTimeout: Bool = true,
        fileID: String = #fileID, line: Int = #line, function: String = #function
    ) throws -> [Result<T, any Error>] {
        try checkNotOnReactorThread()
        guard !results.isEmpty else { return [] }
        let inputs = results.map(GatherInput.init)
        let gather = self.results.makeBox(
            [Result<T, any Error>].self, callSite: CallSite(fileID: fileID, line: line, function: function),
            isAwaited: true)
        Gather.outcomes(inputs, into: gather) { outcomes in
            // Each outcome came from an EventualResult<T>.
            outcomes.map { $0.result.map { $0 as! T } }
        }
        let outcomes = try waitForGather(
            gather, inputs, timeout, cancelRemainingOnTimeout: cancelRemainingOnTimeout, cancelRemainingOnFailure: false)
        // Handed over, so handled; marked here rather than when the gather completed, so that it is
        // done before the caller can release the inputs.
        for (input, outcome) in zip(inputs, outcomes) {
            if case .failure = outcome { input.markObserved() }
        }
        return outcomes
    }

    /// Blocks until the first of `results` finishes, and returns its index and value, or throws its
    /// failure: the first to *finish*, not the first to succeed (a fast failure is news too). Of
    /// results that had already finished, the one earliest in `results` counts as first.
    ///
    /// The wait is a tracked result listed like any other (value type `(index: Swift.Int, value: T)`).
    /// The failure thrown counts as handled; the others' failures are not.
    /// - Parameters:
    ///   - results: The results to race; at least one (an empty list is a programming error and traps).
    ///   - timeout: How long to block at most.
    ///   - cancelOthers: Whether the other results still pending are cancelled once the first has
    ///     finished (succeeded or failed); by default they keep running.
    ///   - cancelRemainingOnTimeout: Whether every result still pending is cancelled when `timeout` passes.
    ///   - fileID: The caller's file, kept as the wait's call site.
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    /// - Throws: The first finisher's own error, or ``ReactorError/cancelled`` if it was cancelled;
    ///   ``ReactorError/timedOut(after:)``; ``ReactorError/stopped`` when the reactor stops first;
    ///   ``ReactorError/waitOnReactorThread`` on the reactor thread.
    public func waitForFirst<T: Sendable>(
        _ results: [EventualResult<T>], timeout: Duration, cancelOthers: Bool = false,
        cancelRemainingOnTimeout: Bool = true, fileID: String = #fileID, line: Int = #line, function: String = #function
    ) throws -> (index: Int, value: T) {
        try checkNotOnReactorThread()
        precondition(!results.isEmpty, "waitForFirst needs at least one result: there is no first of none")
        let inputs = results.map(GatherInput.init)
        let gather = self.results.makeBox(
            (index: Int, value: T).self, callSite: CallSite(fileID: fileID, line: line, function: function),
            isAwaited: true)
        // The value came from the EventualResult<T> at `index`.
        Gather.first(inputs, into: gather) { index, value in (index, value as! T) }
        return try waitForGather(
            gather, inputs, timeout, cancelRemainingOnTimeout: cancelRemainingOnTimeout,
            cancelRemainingOnFailure: cancelOthers, cancelRemainingOnSuccess: cancelOthers)
    }


    /// The values of a gather of `EventualResult<T>`s, typed again.
    private static func values<T: Sendable>(of type: T.Type) -> @Sendable ([any Sendable]) -> [T] {
        { values in values.map { $0 as! T } }
    }

    /// Waits for `gather` and cancels the inputs still pending as asked. On timeout the gather is
    /// cancelled first (so cancelling its inputs cannot fail it, which would leave a failure nobody
    /// looks at) and leaves the reactor's listing; if it was decided just as the wait ran out, what
    /// it decided is returned or thrown instead, so a failure it took from an input is not lost.
    private func waitForGather<R: Sendable>(
        _ gather: ResultBox<R>, _ inputs: [GatherInput], _ timeout: Duration, cancelRemainingOnTimeout: Bool,
        cancelRemainingOnFailure: Bool, cancelRemainingOnSuccess: Bool = false
    ) throws -> R {
        var outcome = Result { try EventualResult(box: gather, reactor: self).wait(timeout: timeout) }
        // The wait's own timeout, not an input's failure that happens to be a `timedOut`.
        var timedOut = false
        if case .failure(ReactorError.timedOut) = outcome {
            if gather.cancel() != nil {
                timedOut = true
            } else {
                outcome = Result { try EventualResult(box: gather, reactor: self).wait(timeout: .zero) }
            }
        }
        let cancelsRemaining: Bool
        switch outcome {
        case _ where timedOut: cancelsRemaining = cancelRemainingOnTimeout
        case .success: cancelsRemaining = cancelRemainingOnSuccess
        case .failure:
            if let reported = gather.failure { Gather.markReported(reported, among: inputs) }
            cancelsRemaining = cancelRemainingOnFailure
        }
        if cancelsRemaining {
            for input in inputs { input.cancel() }
        }
        return try outcome.get()
    }
}
