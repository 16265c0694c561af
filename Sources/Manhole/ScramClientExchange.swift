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
        /// The server asked for fewer iterations than the client accepts.
        case weakIterations(Int)
        /// The server asked for more iterations than the client will compute (a hostile server
        /// could otherwise keep the client busy for hours).
        case excessiveIterations(Int)
        /// The server's signature is wrong: it does not hold this credential.
        case serverNotAuthenticated

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .badChallenge: "the server's challenge is malformed"
            case .weakIterations(let count): "the server asked for only \(count) PBKDF2 iterations"
            case .excessiveIterations(let count):
                "the server asked for \(count) PBKDF2 iterations, more than the \(ScramClientExchange.maximumIterations) this client computes"
            case .serverNotAuthenticated: "the server could not prove it knows the password"
            }
        }
    }

    /// The most PBKDF2 iterations a client computes: 10,000,000, about a second here (the
    /// server's default is 210,000).
    public static let maximumIterations = 10_000_000

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
    /// tens of milliseconds.
    /// - Parameter minimumIterations: The fewest PBKDF2 iterations the client accepts.
    public mutating func proof(
        forChallenge challenge: String, password: String, minimumIterations: Int = 4_096
    ) throws -> String {
        guard let attributes = ScramAttributes(parsing: Substring(challenge)),
            let nonce = attributes["r"], nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count,
            let saltText = attributes["s"], let salt = Data(base64Encoded: saltText),
            let iterationsText = attributes["i"], let iterations = Int(iterationsText)
        else { throw Failure.badChallenge }
        guard iterations >= minimumIterations else { throw Failure.weakIterations(iterations) }
        guard iterations <= Self.maximumIterations else { throw Failure.excessiveIterations(iterations) }
        let salted = try ScramCredential.saltedPassword(password, salt: Array(salt), iterations: iterations)
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
