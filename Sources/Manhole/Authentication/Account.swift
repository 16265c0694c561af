/// A user the manhole accepts. Its fields are the manhole's to read: only salted keys derived
/// from the password are kept once the manhole has started.
public struct Account: Sendable {
    /// The login name: 1 to 64 characters from `A–Z a–z 0–9 . _ -`.
    package var name: String
    /// The password: at least 8 characters.
    package var password: String
    /// What the user may do.
    package var role: Role

    /// Creates an account.
    /// - Parameters:
    ///   - name: The login name: 1 to 64 characters from `A–Z a–z 0–9 . _ -`.
    ///   - password: At least 8 characters.
    ///   - role: What the user may do; everything by default.
    public init(name: String, password: String, role: Role = .admin) {
        self.name = name
        self.password = password
        self.role = role
    }
}
