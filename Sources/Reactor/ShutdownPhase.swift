/// When a shutdown hook runs during ``Reactor/stop(timeout:)``. The phases run in the order
/// below, the hooks of one phase in the order they were added, each within its own time bound
/// and all within the stop's. They follow Twisted's system event triggers ("before", "during"
/// and "after" shutdown).
public enum ShutdownPhase: Sendable {
    /// First, while the reactor still runs: new work is accepted, waits are answered, timers fire
    /// and manhole sessions stay open. Each hook runs on a thread of its own, so it may block and
    /// call ``Reactor/waitFor(timeout:fileID:line:function:_:)-7amkj``: the place to stop
    /// taking work and drain what is queued. A hook that overruns its bound is left running.
    case beforeStop
    /// On the reactor thread, once new work is refused, pending results have failed with
    /// ``ReactorError/stopped`` and timers are cancelled: a manhole closes its listeners and says
    /// goodbye to its sessions here.
    case sessions
    /// Last, on the reactor thread, once the sessions are closed: the host's own teardown. The default.
    case cleanup

    /// The order of the phases.
    var rank: Int {
        switch self {
        case .beforeStop: 0
        case .sessions: 1
        case .cleanup: 2
        }
    }

    /// The phase's name in logs.
    var name: String {
        switch self {
        case .beforeStop: "beforeStop"
        case .sessions: "sessions"
        case .cleanup: "cleanup"
        }
    }
}
