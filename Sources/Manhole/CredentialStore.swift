import Crypto

/// The users, as salted SCRAM keys and roles; passwords are dropped once derived. Unknown users
/// get a decoy credential so that their login looks and costs the same as a wrong password.
struct CredentialStore: Sendable {
    private let accounts: [String: (credential: ScramCredential, role: Role)]
    private let decoySecret = SymmetricKey(size: .bits256)
    let iterations: Int

    /// Validates the accounts and derives their keys (PBKDF2: tens of milliseconds each).
    init(accounts: [Account], iterations: Int) throws {
        guard !accounts.isEmpty else { throw ManholeError.noUsers }
        var table: [String: (ScramCredential, Role)] = [:]
        for account in accounts {
            guard Self.isValidName(account.name) else { throw ManholeError.invalidUserName(account.name) }
            guard account.password.count >= 8 else { throw ManholeError.weakPassword(user: account.name) }
            table[account.name] = (try ScramCredential(password: account.password, iterations: iterations), account.role)
        }
        self.accounts = table
        self.iterations = iterations
    }

    /// The credential to run a login against: the user's, or a decoy.
    func credential(for user: String) -> ScramCredential {
        accounts[user]?.credential ?? ScramCredential(decoyFor: user, secret: decoySecret, iterations: iterations)
    }

    /// The role of a known user.
    func role(of user: String) -> Role? { accounts[user]?.role }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
