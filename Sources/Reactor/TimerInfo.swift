public import NIOCore

/// A snapshot of one live reactor timer, taken from any thread. Used by the Inspector's `timers` view.
public struct TimerInfo: Sendable, Hashable {
    /// What kind of timer this is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A one-shot ``DelayedCall`` made by ``Reactor/callLater(_:name:fileID:line:function:_:)``.
        case delayed
        /// A repeating ``LoopingCall`` made by ``Reactor/loopingCall(every:now:name:onError:fileID:line:function:_:)``.
        case looping
    }

    /// The timer's id, unique within its reactor; ``Reactor/cancelTimer(id:)`` takes it.
    public var id: Int
    /// The name the host gave the timer.
    public var name: String
    /// One-shot or looping.
    public var kind: Kind
    /// When the timer fires next, on the reactor's clock.
    public var dueTime: NIODeadline
    /// The interval of a looping call; `nil` for a one-shot timer.
    public var interval: Duration?
    /// How many times the body has run.
    public var runCount: Int
    /// The description of the last error the body threw, if any.
    public var lastError: String?
    /// Where the timer was created.
    public var callSite: CallSite

    /// How long until the timer fires, at `now` (negative when it is late).
    public func dueIn(at now: NIODeadline = .now()) -> Duration {
        Duration.nanoseconds((dueTime - now).nanoseconds)
    }
}
