public import Dispatch

/// Where an entry is read: the thread or actor that owns its state.
///
/// Path resolution and rendering run in this context too, because walking a class's properties
/// from anywhere else would be a data race; only the finished, `Sendable` ``Rendering`` leaves it.
/// None of them blocks the reactor thread: a read elsewhere is started and its result delivered
/// to the reactor's loop as an `EventLoopFuture`.
public enum ReadContext: Sendable, CustomStringConvertible {
    /// The reactor thread (the default): read inline when the caller is already on the reactor's
    /// loop, otherwise submitted to it.
    case reactor
    /// A serial `DispatchQueue` the host uses to guard the entry's state; the read is `async` on it.
    case queue(DispatchQueue)
    /// An actor: the read runs on the actor's executor.
    case actor(any Actor)
    /// Any thread: the entry guards its own state (a lock held briefly, atomics, immutable
    /// data), so it is read on the thread that asks, with no hop: the manhole's sessions' thread
    /// for a shell command. Such an entry answers while the reactor thread is held, and reading
    /// it costs the host no wake-up of the reactor thread. The read must not wait (a lock the
    /// host may hold for long, I/O): while it runs, no session is served. The work limit still
    /// bounds the walk and the rendering.
    case anyThread

    /// `reactor`, `queue <label>`, `actor <type>` or `any thread`, as the entry listing shows it.
    public var description: String {
        switch self {
        case .reactor: "reactor"
        case .anyThread: "any thread"
        case .queue(let queue): "queue \(queue.label)"
        case .actor(let actor): "actor \(String(describing: type(of: actor)))"
        }
    }
}
