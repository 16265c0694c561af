import NIOConcurrencyHelpers
import NIOCore

/// One input of a gather, its value type erased so that results of different types can be gathered
/// together (the variadic `Reactor.waitForAll`).
struct GatherInput: Sendable {
    /// Registers a callback for the input's outcome. It does not count as observing a failure: a
    /// gather reports at most one of its inputs' failures and marks only that one (``markObserved``),
    /// so a failure it never reported is still logged as unhandled.
    let whenComplete: @Sendable (@escaping @Sendable (Outcome<any Sendable>) -> Void) -> Void
    /// Marks the input's failure as observed: the gather reported it.
    let markObserved: @Sendable () -> Void
    /// Cancels the input if it is still pending (its canceller runs on the reactor thread). It holds
    /// the input's ``EventualResult``, so the callbacks a gather registers never capture it.
    let cancel: @Sendable () -> Void
    /// The input's failure, if it has failed; looking does not count as observing.
    let peekFailure: @Sendable () -> ResultFailure?

    init<T: Sendable>(_ result: EventualResult<T>) {
        let box = result.box
        // The callbacks capture the box, never the EventualResult: a pending input whose own
        // callback held its handle would keep it alive until it finished, so its release (and the
        // unhandled-failure check made then) would come late.
        whenComplete = { callback in
            box.whenComplete(observing: false) { outcome in
                switch outcome {
                case .success(let value): callback(.success(value))
                case .failure(let failure): callback(.failure(failure))
                case .cancelled: callback(.cancelled)
                }
            }
        }
        markObserved = { _ = box.failure }
        cancel = { result.cancel() }
        peekFailure = { box.peek().failure }
    }
}

/// The outcomes a gather has collected, by input index.
private final class GatherTally: Sendable {
    private let state: NIOLockedValueBox<(outcomes: [Outcome<any Sendable>?], remaining: Int)>

    init(count: Int) {
        state = NIOLockedValueBox((Array(repeating: nil, count: count), count))
    }

    /// Records input `index`'s outcome; returns every outcome, in input order, when it was the last.
    func record(_ outcome: Outcome<any Sendable>, at index: Int) -> [Outcome<any Sendable>]? {
        state.withLockedValue { state in
            guard state.outcomes[index] == nil else { return nil }
            state.outcomes[index] = outcome
            state.remaining -= 1
            return state.remaining == 0 ? state.outcomes.map { $0! } : nil
        }
    }
}

/// How a gather's result is completed from its inputs' callbacks: no polling and no thread per
/// input. Each input's callback runs on the thread that settles the input (usually the reactor
/// thread) and does a bounded amount of work; once the gather has its outcome, later callbacks only
/// find it complete. Whoever settles the gather first wins, so a stop (which interrupts the gather's
/// own tracked result) and a timeout (the waiter cancels it) need no coordination here.
enum Gather {
    /// Completes `box` with every input's value, in input order, shaped by `finish`; or, as soon
    /// as one fails, with that failure (the input's own error and call site), which then counts as
    /// observed; an input cancelled fails it with ``ReactorError/cancelled``. Of inputs that had
    /// already failed when the gather began, the one that failed earliest counts as first.
    static func all<R: Sendable>(
        _ inputs: [GatherInput], into box: ResultBox<R>, finish: @escaping @Sendable ([any Sendable]) -> R
    ) {
        let tally = GatherTally(count: inputs.count)
        if inputs.isEmpty { box.succeed(finish([])) }
        // A callback registered on a finished input runs at once: registering those that have
        // already failed first, earliest failure first, makes the first failure in time win.
        let failedAt = inputs.map { $0.peekFailure()?.failedAt }
        let order = inputs.indices.sorted { a, b in
            switch (failedAt[a], failedAt[b]) {
            case let (x?, y?): x < y || (x == y && a < b)
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a < b
            }
        }
        for index in order {
            let markObserved = inputs[index].markObserved
            inputs[index].whenComplete { outcome in
                guard !box.isComplete else { return }
                switch outcome {
                case .success:
                    guard let outcomes = tally.record(outcome, at: index) else { return }
                    box.succeed(finish(outcomes.map(\.value)))
                case .failure(let failure):
                    if box.complete(.failure(failure)) { markObserved() }
                case .cancelled:
                    box.fail(ReactorError.cancelled)
                }
            }
        }
    }

    /// Completes `box` once every input has finished, with all their outcomes in input order,
    /// shaped by `finish`. Marking the failures observed is left to whoever reads `box`'s value.
    static func outcomes<R: Sendable>(
        _ inputs: [GatherInput], into box: ResultBox<R>, finish: @escaping @Sendable ([Outcome<any Sendable>]) -> R
    ) {
        let tally = GatherTally(count: inputs.count)
        if inputs.isEmpty { box.succeed(finish([])) }
        for (index, input) in inputs.enumerated() {
            input.whenComplete { outcome in
                guard let outcomes = tally.record(outcome, at: index) else { return }
                box.succeed(finish(outcomes))
            }
        }
    }

    /// Completes `box` with the first input to finish, however it finished: its index and value
    /// shaped by `finish`, its failure (which then counts as observed), or ``ReactorError/cancelled``.
    /// Inputs that had already finished when the gather began are looked at in input order.
    static func first<R: Sendable>(
        _ inputs: [GatherInput], into box: ResultBox<R>, finish: @escaping @Sendable (Int, any Sendable) -> R
    ) {
        for (index, input) in inputs.enumerated() {
            let markObserved = input.markObserved
            input.whenComplete { outcome in
                guard !box.isComplete else { return }
                switch outcome {
                case .success(let value):
                    box.succeed(finish(index, value))
                case .failure(let failure):
                    if box.complete(.failure(failure)) { markObserved() }
                case .cancelled:
                    box.fail(ReactorError.cancelled)
                }
            }
        }
    }
}

extension Gather {
    /// Marks observed the input whose failure `reported` is: what the waiter of a gather does when
    /// it hands the gather's failure on. The gather's callback marks it too, but only after the
    /// gather is complete, by which time a woken waiter may have gone on and released the input.
    /// A failure is matched by its call site and the instant it failed; a failure of the gather's
    /// own (a stop) matches no input.
    static func markReported(_ reported: ResultFailure, among inputs: [GatherInput]) {
        for input in inputs {
            guard let failure = input.peekFailure(), failure.failedAt == reported.failedAt,
                failure.callSite == reported.callSite
            else { continue }
            input.markObserved()
        }
    }
}

extension Outcome {
    /// The value of a success (only called on outcomes known to be successes).
    fileprivate var value: T {
        guard case .success(let value) = self else { preconditionFailure("a gather read a value from a failed input") }
        return value
    }
}
