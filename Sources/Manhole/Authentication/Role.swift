/// What a user may do in the shell.
public enum Role: Sendable, Hashable {
    /// Everything: inspection, cancelling results and timers, every host command.
    case admin
    /// Inspection only: no `cancel`, no `cancel-timer`, and only the host commands declared read-only.
    case readOnly

    /// The name shown in `whoami`, `sessions` and the welcome: `admin`, `read-only`.
    package var name: String {
        switch self {
        case .admin: "admin"
        case .readOnly: "read-only"
        }
    }
}
