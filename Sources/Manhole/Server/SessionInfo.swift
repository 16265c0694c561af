package import NIOCore

/// A snapshot of one connection to the manhole.
package struct SessionInfo: Sendable, Hashable {
    /// The session's id (shown by `sessions` and in logs).
    package var id: Int
    /// The user, once logged in.
    package var user: String?
    /// The user's role, once logged in.
    package var role: Role?
    /// The peer address, `ip:port`.
    package var peer: String
    /// When the connection was accepted, as seconds of uptime on the reactor's clock.
    package var connectedAtUptime: Double
    /// How many commands the session has run.
    package var commands: Int
    /// The last command's name.
    package var lastCommand: String?

    /// How long the session has been connected, at `now`.
    package func age(at now: NIODeadline = .now()) -> Duration {
        .nanoseconds(Int64(Double(now.uptimeNanoseconds) - connectedAtUptime * 1e9))
    }
}
