/// What a user may do in the shell.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Everything: inspection, cancelling results and timers, every host command.
    case admin
    /// Inspection only: no `cancel`, no `cancel-timer`, and only the host commands declared read-only.
    case readOnly = "read-only"
}

/// A user the manhole accepts.
public struct Account: Sendable {
    /// The login name: 1 to 64 characters from `A–Z a–z 0–9 . _ -`.
    public var name: String
    /// The password: at least 8 characters. Only salted keys derived from it are kept after start.
    public var password: String
    /// What the user may do.
    public var role: Role

    /// Creates an account.
    public init(name: String, password: String, role: Role = .admin) {
        self.name = name
        self.password = password
        self.role = role
    }
}
