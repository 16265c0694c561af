/// Being told when a tracked result finishes, without handling it: the manhole's
/// `watch result ID`.
protocol ObservableResult: TrackedResult {
    /// Calls `callback` with the final state once the result finishes (at once if it has). It
    /// does not count as observing a failure: a failure only watched is still logged as unhandled.
    func whenFinished(_ callback: @escaping @Sendable (ResultState) -> Void)
}

extension ResultBox: ObservableResult {
    func whenFinished(_ callback: @escaping @Sendable (ResultState) -> Void) {
        whenComplete(observing: false) { outcome in callback(ResultState(outcome)) }
    }
}

extension Reactor {
    /// Calls `callback` with the final state once the tracked result with this id finishes (at
    /// once, on this thread, if it has; otherwise on the thread that settles it). Watching is not
    /// handling: a failure nobody else observes is still logged as unhandled. Returns `false`
    /// when no result with this id is tracked. The callback is kept until the result finishes.
    package func whenResultFinishes(id: Int, _ callback: @escaping @Sendable (ResultState) -> Void) -> Bool {
        guard let (result, _) = results.lookup(id: id), let observable = result as? any ObservableResult else { return false }
        observable.whenFinished(callback)
        return true
    }
}
