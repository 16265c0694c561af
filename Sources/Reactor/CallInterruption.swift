import NIOConcurrencyHelpers

/// A caller's way to call off work it handed to the reactor with a ``ReactorCall`` (an operator's
/// interrupt of a shell command): made by the caller, set as the call's ``ReactorCall/interruption``.
///
/// Interrupting calls off every call made with it that has not finished: one still waiting for
/// the reactor thread never runs; an `async` one that started has its task cancelled. Each fails
/// with ``CallInterrupted`` at once, in a task of its own on the caller's loop (so the caller
/// finishes what it does around the interrupt before the call's callbacks run). A synchronous call already running on the reactor thread
/// cannot be stopped and finishes as it would have.
package final class CallInterruption: Sendable {
    private struct State {
        var interrupted = false
        /// Each returns whether it stopped its call.
        var handlers: [@Sendable () -> Bool] = []
    }

    private let state = NIOLockedValueBox(State())

    package init() {}

    /// Calls off the calls made with this; returns whether it stopped any (`false`: they had
    /// finished, or one runs on the reactor thread and cannot be stopped). Later calls made with
    /// it fail at once.
    @discardableResult
    package func interrupt() -> Bool {
        let handlers = state.withLockedValue { state in
            state.interrupted = true
            defer { state.handlers = [] }
            return state.handlers
        }
        return handlers.map { $0() }.contains(true)
    }

    /// Whether ``interrupt()`` has been called.
    package var isInterrupted: Bool { state.withLockedValue { $0.interrupted } }

    /// Registers how to stop one call; runs it at once if the interrupt came first.
    func onInterrupt(_ handler: @escaping @Sendable () -> Bool) {
        let now = state.withLockedValue { state in
            if !state.interrupted { state.handlers.append(handler) }
            return state.interrupted
        }
        if now { _ = handler() }
    }
}

/// A call handed to the reactor was called off by its ``CallInterruption``.
package struct CallInterrupted: Error, Sendable, CustomStringConvertible {
    /// Whether the work had started (an `async` call's task, then cancelled).
    package var started: Bool

    package var description: String {
        started
            ? "interrupted: the command's work was told to stop (its task is cancelled)"
            : "interrupted: the command was called off before the reactor took it up"
    }
}
