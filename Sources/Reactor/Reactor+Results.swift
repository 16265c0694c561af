extension Reactor {
    /// Takes a stashed result out of the stash: Crochet's `retrieve_result`. Works once per id.
    /// - Throws: ``ReactorError/unknownResult(id:)`` when nothing is stashed under `id` (never
    ///   stashed, or already retrieved); ``ReactorError/resultTypeMismatch(id:expected:actual:)``
    ///   when it holds another type (it stays stashed then).
    public func retrieveResult<T: Sendable>(_ id: Int, as type: T.Type = T.self) throws(ReactorError) -> EventualResult<T> {
        EventualResult(box: try results.retrieve(id: id, as: type), reactor: self, isFirstHandle: false)
    }

    /// Snapshots of up to `limit` stashed results, by id. Nothing is retrieved.
    package func stashedResults(limit: Int = .max) -> [ResultInfo] {
        results.list(limit: limit, stashedOnly: true)
    }

    /// Snapshots of up to `limit` results the reactor tracks: stashed ones and those still in
    /// flight (with how many threads wait on them), by id.
    package func trackedResults(limit: Int = .max) -> [ResultInfo] {
        results.list(limit: limit, stashedOnly: false)
    }

    /// How many results are tracked (in flight or stashed), and how many are stashed.
    package var resultCounts: (tracked: Int, stashed: Int) { results.counts }

    /// A look at one tracked result without retrieving it: its snapshot, its value if it
    /// succeeded, its failure if it failed. Looking is not handling: a failure only peeked at is
    /// still logged as unhandled when its result is released.
    package func peekResult(id: Int) -> ResultPeek? {
        guard let (result, isStashed) = results.lookup(id: id) else { return nil }
        let (value, failure) = result.peek()
        return ResultPeek(info: result.info(isStashed: isStashed), value: value, failure: failure)
    }

    /// Cancels the tracked result with this id (as ``EventualResult/cancel()`` would); returns
    /// `false` when there is none or it has already finished.
    @discardableResult
    package func cancelResult(id: Int) -> Bool {
        guard let (result, _) = results.lookup(id: id) else { return false }
        return result.cancel(through: self)
    }
}

/// One tracked result seen without retrieving it.
package struct ResultPeek: Sendable {
    /// The snapshot: id, type, state, age, call site, waiters.
    package var info: ResultInfo
    /// The value, when the result succeeded.
    package var value: (any Sendable)?
    /// The failure with its context, when the result failed.
    package var failure: ResultFailure?
}
