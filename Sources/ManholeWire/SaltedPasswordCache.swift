package import Crypto
import Foundation

/// Salted passwords a client has derived, by password, salt and iteration count. RFC 5802 §5.1
/// lets a client keep them for later logins to a server that sends the same salt, which skips
/// PBKDF2 (tens of milliseconds). For tools that log in many times with one password: load
/// drivers, and the benchmark that measures the server's own work per login back to back. An
/// entry opens that server as the password does, so it lives only in this process's memory; the
/// cache keeps at most ``capacity`` entries and forgets them all when it is full.
package final class SaltedPasswordCache: @unchecked Sendable {
    /// The most entries kept.
    package static let capacity = 16

    private struct Key: Hashable {
        /// An HMAC of the password under ``keyingSecret``: not the password, and not a plain hash
        /// of it, which whoever reads this memory could test guesses against at SHA-256's speed.
        let password: HashedAuthenticationCode<SHA256>
        let salt: [UInt8]
        let iterations: Int
    }

    /// This cache's own random key for ``Key/password``.
    private let keyingSecret = SymmetricKey(size: .bits256)

    // NSLock (a pthread mutex), which the thread sanitizer sees.
    private let lock = NSLock()
    private var entries: [Key: SymmetricKey] = [:]

    /// An empty cache.
    package init() {}

    /// How many derivations it has answered without PBKDF2.
    package var hits: Int { lock.withLock { hitCount } }

    /// How many entries it holds.
    package var count: Int { lock.withLock { entries.count } }

    private var hitCount = 0

    /// The salted password, derived once per password, salt and iteration count.
    package func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) throws -> SymmetricKey {
        let key = Key(
            password: HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: keyingSecret), salt: salt,
            iterations: iterations)
        let cached: SymmetricKey? = lock.withLock {
            guard let entry = entries[key] else { return nil }
            hitCount += 1
            return entry
        }
        if let cached { return cached }
        let derived = try ScramCredential.saltedPassword(password, salt: salt, iterations: iterations)
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = derived
        }
        return derived
    }
}
