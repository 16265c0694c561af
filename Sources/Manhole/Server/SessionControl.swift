import NIOCore

/// What the session table, the commands (`kick`) and `stop()` may ask of a connection, whatever
/// carries it: to be told goodbye and closed. The transport fills it in when the connection is
/// admitted, so nothing outside `Server/` holds a channel (an SSH channel would bring its own).
struct SessionControl: Sendable {
    /// Tells the session `reason` in a goodbye and closes it. Safe from any thread.
    let sayGoodbye: @Sendable (_ reason: String) -> Void
    /// Completes once the connection has closed (its goodbye written, or its peer gone).
    let closed: EventLoopFuture<Void>

    /// The control of a NIO channel whose pipeline holds a ``SessionHandler``: the goodbye is an
    /// event the handler receives on the channel's loop.
    static func channel(_ channel: any Channel) -> SessionControl {
        SessionControl(
            sayGoodbye: { reason in channel.pipeline.fireUserInboundEventTriggered(GoodbyeEvent(reason: reason)) },
            closed: channel.closeFuture)
    }
}
