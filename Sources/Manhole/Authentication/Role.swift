/// What a user may do in the shell.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Everything: inspection, cancelling results and timers, every host command.
    case admin
    /// Inspection only: no `cancel`, no `cancel-timer`, and only the host commands declared read-only.
    case readOnly = "read-only"
}
