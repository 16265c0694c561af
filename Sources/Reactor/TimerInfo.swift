package import NIOCore

/// A snapshot of one live reactor timer, taken from any thread. Used by the manhole's `timers` view (`Sources/Manhole/Views`).
package struct TimerInfo: Sendable, Hashable {
    /// What kind of timer this is.
    package enum Kind: String, Sendable, Hashable, Codable {
        /// A one-shot ``DelayedCall`` made by ``Reactor/callLater(_:name:fileID:line:function:_:)``.
        case delayed
        /// A repeating ``LoopingCall`` made by ``Reactor/loopingCall(every:now:name:stopOnError:fileID:line:function:_:)``.
        case looping
    }

    /// The timer's id, unique within its reactor; ``Reactor/cancelTimer(id:)`` takes it.
    package var id: Int
    /// The name the host gave the timer.
    package var name: String
    /// One-shot or looping.
    package var kind: Kind
    /// When the timer fires next, on the reactor's clock.
    package var dueTime: NIODeadline
    /// The interval of a looping call; `nil` for a one-shot timer.
    package var interval: Duration?
    /// How many times the body has run.
    package var runCount: Int
    /// The description of the last error the body threw, if any.
    package var lastError: String?
    /// Where the timer was created.
    package var callSite: CallSite

    /// How long until the timer fires, at `now` (negative when it is late).
    package func dueIn(at now: NIODeadline = .now()) -> Duration {
        Duration(dueTime - now)
    }
}
