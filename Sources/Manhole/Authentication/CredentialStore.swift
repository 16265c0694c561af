package import ManholeWire
import Crypto

/// The users, as salted SCRAM keys and roles; passwords are dropped once derived. Unknown users
/// get a decoy credential so that their login looks the same as a wrong password, and every
/// lookup does the same work, known user or not, so that its time does not tell which.
package struct CredentialStore: Sendable {
    /// The work a lookup does, in order (see ``credential(for:trace:)``).
    enum LookupStep: Sendable, Equatable {
        /// The decoy's salt: an HMAC of the name under the server's secret.
        case decoySalt
        /// The decoy's random salted password.
        case decoyRandomKey
        /// The decoy's stored and server keys (two HMACs and a hash).
        case decoyKeys
        /// The account table.
        case accountLookup
    }

    private let accounts: [String: (credential: ScramCredential, role: Role)]
    private let decoySecret = SymmetricKey(size: .bits256)
    let iterations: Int

    /// Validates the accounts and derives their keys (PBKDF2: tens of milliseconds each).
    package init(accounts: [Account], iterations: Int) throws {
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
    package func credential(for user: String) -> ScramCredential { credential(for: user, trace: nil) }

    /// The credential to run a login against, telling `trace` each step of work done. A decoy is
    /// derived for every name, known or not (the name's salt, a random key, its derived keys), and
    /// only then is the account looked up: both paths do the same work.
    func credential(for user: String, trace: ((LookupStep) -> Void)?) -> ScramCredential {
        let salt = ScramCredential.decoySalt(for: user, secret: decoySecret)
        trace?(.decoySalt)
        let saltedPassword = SymmetricKey(size: .bits256)
        trace?(.decoyRandomKey)
        let decoy = ScramCredential(salt: salt, iterations: iterations, saltedPassword: saltedPassword)
        trace?(.decoyKeys)
        let account = accounts[user]
        trace?(.accountLookup)
        return account?.credential ?? decoy
    }

    /// The role of a known user.
    package func role(of user: String) -> Role? { accounts[user]?.role }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
