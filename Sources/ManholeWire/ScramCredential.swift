package import Crypto
import CryptoExtras
import Foundation

/// What the server keeps of a password: SCRAM-SHA-256's salted keys (RFC 5802/7677), never the
/// password itself. Deriving one runs PBKDF2 (tens of milliseconds): do it off the event loop.
package struct ScramCredential: Sendable {
    /// The salt PBKDF2 ran with.
    package let salt: [UInt8]
    /// The PBKDF2 iteration count.
    package let iterations: Int
    /// `SHA256(HMAC(saltedPassword, "Client Key"))`: what a client proof is checked against.
    package let storedKey: SHA256Digest
    /// `HMAC(saltedPassword, "Server Key")`: what the server proves itself with.
    package let serverKey: SymmetricKey

    /// Derives the keys for `password` with a fresh random salt.
    package init(password: String, iterations: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try self.init(password: password, salt: salt, iterations: iterations)
    }

    /// Derives the keys for `password` with a given salt (the client does this too).
    package init(password: String, salt: [UInt8], iterations: Int) throws {
        let salted = try Self.saltedPassword(password, salt: salt, iterations: iterations)
        self.init(salt: salt, iterations: iterations, saltedPassword: salted)
    }

    /// Derives the keys from an already salted password (the output of ``saltedPassword(_:salt:iterations:)``).
    package init(salt: [UInt8], iterations: Int, saltedPassword: SymmetricKey) {
        self.salt = salt
        self.iterations = iterations
        let clientKey = HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: saltedPassword)
        self.storedKey = SHA256.hash(data: Data(clientKey))
        self.serverKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: saltedPassword))
    }

    /// The salt of a decoy credential for a user that does not exist: derived from the name and a
    /// server secret, so it is stable across attempts like a real user's. With random keys
    /// (see `CredentialStore`), the exchange looks and costs the same and always fails.
    package static func decoySalt(for user: String, secret: SymmetricKey) -> [UInt8] {
        Array(Array(HMAC<SHA256>.authenticationCode(for: Data("salt:\(user)".utf8), using: secret)).prefix(16))
    }

    /// PBKDF2-HMAC-SHA256 of the password (`Hi()` in RFC 5802). Iteration counts below swift-crypto's
    /// checked minimum use its unchecked entry, which only tests may ask for.
    package static func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) throws -> SymmetricKey {
        if iterations >= 210_000 {
            return try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: iterations)
        }
        return try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
    }
}
