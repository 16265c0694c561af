import Crypto
import Foundation

/// The client's side of a SCRAM-SHA-256 login: the first message, the proof for the server's
/// challenge, and the check of the server's own proof (so a client also knows it reached a
/// server that holds its credential). Used by `manhole-client` and the tests; see docs/protocol.md.
public struct ScramClientExchange: Sendable {
    /// Why the exchange failed on the client side.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The challenge was malformed, or its nonce does not extend ours.
        case badChallenge
        /// The server asked for fewer iterations than the client accepts (`minimum`): a proof
        /// computed with them would be cheap to crack offline by whoever holds the port.
        case weakIterations(Int, minimum: Int)
        /// The server's salt is shorter than the client accepts (`minimum` bytes).
        case weakSalt(length: Int, minimum: Int)
        /// The server asked for more iterations than the client will compute (a hostile server
        /// could otherwise keep the client busy for hours).
        case excessiveIterations(Int)
        /// The server's signature is wrong: it does not hold this credential.
        case serverNotAuthenticated

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .badChallenge: "the server's challenge is malformed"
            case .weakIterations(let count, let minimum):
                "the server asked for only \(count) PBKDF2 iterations, fewer than the \(minimum) this client requires"
            case .weakSalt(let length, let minimum):
                "the server's salt is \(length) bytes, shorter than the \(minimum) this client requires"
            case .excessiveIterations(let count):
                "the server asked for \(count) PBKDF2 iterations, more than the \(ScramClientExchange.maximumIterations) this client computes"
            case .serverNotAuthenticated: "the server could not prove it knows the password"
            }
        }
    }

    /// The most PBKDF2 iterations a client computes: 10,000,000, about a second here (the
    /// server's default is 210,000).
    public static let maximumIterations = 10_000_000

    /// The fewest PBKDF2 iterations a client accepts unless told otherwise: 210,000, the
    /// server's default (OWASP's figure for PBKDF2-HMAC-SHA-256). A server asking for fewer may
    /// be an impostor that bound the port, collecting proofs to crack offline.
    public static let defaultMinimumIterations = 210_000

    /// The shortest salt, in bytes, a client accepts unless told otherwise: 16, what the server
    /// generates. An empty or short salt lets one precomputation serve many proofs.
    public static let defaultMinimumSaltLength = 16

    private let user: String
    private let clientNonce: String
    private var authMessage = ""
    private var serverKey: SymmetricKey?

    /// Starts a login for `user`.
    public init(user: String) {
        self.user = user
        self.clientNonce = ScramAttributes.makeNonce()
    }

    /// The first message: `n,,n=USER,r=NONCE`.
    public var clientFirst: String { "n,,\(clientFirstBare)" }

    private var clientFirstBare: String { "n=\(ScramAttributes.encodeUsername(user)),r=\(clientNonce)" }

    /// Answers the server's challenge with the proof (`c=biws,r=NONCE,p=PROOF`). Runs PBKDF2:
    /// tens of milliseconds. Weak parameters are refused before any work, so no proof exists.
    /// - Parameters:
    ///   - challenge: The server's first message (`r=NONCE,s=SALT,i=ITERATIONS`).
    ///   - password: The user's password; it never leaves this process, only the proof does.
    ///   - minimumIterations: The fewest PBKDF2 iterations the client accepts (never fewer than 1).
    ///     Lower it below ``defaultMinimumIterations`` only for a server known to use fewer (tests).
    ///   - minimumSaltLength: The shortest salt, in bytes, the client accepts.
    public mutating func proof(
        forChallenge challenge: String, password: String,
        minimumIterations: Int = defaultMinimumIterations, minimumSaltLength: Int = defaultMinimumSaltLength
    ) throws -> String {
        try proof(
            forChallenge: challenge, password: password, minimumIterations: minimumIterations,
            minimumSaltLength: minimumSaltLength, saltedPasswords: nil)
    }

    /// ``proof(forChallenge:password:minimumIterations:minimumSaltLength:)`` that takes the salted
    /// password from `saltedPasswords` when it holds one for this password, salt and count.
    package mutating func proof(
        forChallenge challenge: String, password: String, minimumIterations: Int, minimumSaltLength: Int,
        saltedPasswords: SaltedPasswordCache?
    ) throws -> String {
        guard let attributes = ScramAttributes(parsing: Substring(challenge)),
            let nonce = attributes["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
            let saltText = attributes["s"], let salt = Data(base64Encoded: saltText),
            let iterationsText = attributes["i"], let iterations = Int(iterationsText)
        else { throw Failure.badChallenge }
        let floor = max(1, minimumIterations)
        guard iterations >= floor else { throw Failure.weakIterations(iterations, minimum: floor) }
        guard salt.count >= minimumSaltLength else {
            throw Failure.weakSalt(length: salt.count, minimum: minimumSaltLength)
        }
        guard iterations <= Self.maximumIterations else { throw Failure.excessiveIterations(iterations) }
        let salted =
            try saltedPasswords?.saltedPassword(password, salt: Array(salt), iterations: iterations)
            ?? ScramCredential.saltedPassword(password, salt: Array(salt), iterations: iterations)
        let clientKey = HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: salted)
        let storedKey = SHA256.hash(data: Data(clientKey))
        let withoutProof = "c=biws,r=\(nonce)"
        authMessage = "\(clientFirstBare),\(challenge),\(withoutProof)"
        let signature = HMAC<SHA256>.authenticationCode(for: Data(authMessage.utf8), using: SymmetricKey(data: storedKey))
        let proof = zip(Array(clientKey), Array(signature)).map { $0 ^ $1 }
        serverKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: salted))
        return "\(withoutProof),p=\(Data(proof).base64EncodedString())"
    }

    /// Checks the server's final message (`v=SIGNATURE`).
    public func verifyServer(_ serverFinal: String) throws {
        guard let serverKey, let attributes = ScramAttributes(parsing: Substring(serverFinal)),
            let text = attributes["v"], let signature = Data(base64Encoded: text)
        else { throw Failure.serverNotAuthenticated }
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(authMessage.utf8), using: serverKey)
        else { throw Failure.serverNotAuthenticated }
    }
}
