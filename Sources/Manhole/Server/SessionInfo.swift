public import NIOCore

/// A snapshot of one connection to the manhole.
public struct SessionInfo: Sendable, Hashable, Codable {
    /// The session's id (shown by `sessions` and in logs).
    public var id: Int
    /// The user, once logged in.
    public var user: String?
    /// The user's role, once logged in.
    public var role: Role?
    /// The peer address, `ip:port`.
    public var peer: String
    /// When the connection was accepted, as seconds of uptime on the reactor's clock.
    public var connectedAtUptime: Double
    /// How many commands the session has run.
    public var commands: Int
    /// The last command's name.
    public var lastCommand: String?

    /// How long the session has been connected, at `now`.
    public func age(at now: NIODeadline = .now()) -> Duration {
        .nanoseconds(Int64(Double(now.uptimeNanoseconds) - connectedAtUptime * 1e9))
    }
}
