public import Manhole

/// The admin account's password on every ``TestServer``.
public let adminPassword = "correct horse battery"

/// The read-only account's password on every ``TestServer``.
public let viewerPassword = "read only please"

/// The accounts every ``TestServer`` accepts: `admin` (full access) and `viewer` (read-only), so
/// that role checks can be tested against the same server.
public let testAccounts = [
    Account(name: "admin", password: adminPassword, role: .admin),
    Account(name: "viewer", password: viewerPassword, role: .readOnly),
]
