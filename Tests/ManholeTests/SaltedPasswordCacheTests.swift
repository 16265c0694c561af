import Crypto
import ManholeWire
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("Reusing a salted password across logins (RFC 5802 §5.1)")
struct SaltedPasswordCacheTests {
    @Test("A second login to the same server reuses the salted password, and is welcomed like the first")
    func secondLoginHits() throws {
        let server = try TestServer()
        let cache = SaltedPasswordCache()
        for round in 1...3 {
            let connection = try server.raw()
            let welcome = try connection.login(
                user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations, saltedPasswords: cache)
            #expect(welcome.line.hasPrefix("user=admin role=admin session="))
            #expect(cache.hits == round - 1)
            #expect(try connection.run("whoami").kind == .ok)
        }
    }

    @Test("A wrong password is not answered from the entry of the right one, and is still denied")
    func wrongPasswordMisses() throws {
        let server = try TestServer()
        let cache = SaltedPasswordCache()
        try server.raw().login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations, saltedPasswords: cache)
        let connection = try server.raw()
        #expect(throws: ManholeConnection.LoginFailure.denied("authentication failed")) {
            try connection.login(
                user: "admin", password: "not the password", minimumIterations: FastLogin.iterations, saltedPasswords: cache)
        }
        #expect(cache.hits == 0)
    }

    @Test("Another server (another salt) derives its own; the weak-parameter checks run before the cache")
    func otherSaltMissesAndChecksComeFirst() throws {
        let first = try TestServer()
        let second = try TestServer()
        let cache = SaltedPasswordCache()
        try first.raw().login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations, saltedPasswords: cache)
        try second.raw().login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations, saltedPasswords: cache)
        #expect(cache.hits == 0)
        // The cache holds this server's salted password, yet a client requiring more iterations
        // than the server asks for still refuses before computing or sending a proof.
        let connection = try first.raw()
        #expect(throws: ScramClientExchange.Failure.weakIterations(FastLogin.iterations, minimum: 210_000)) {
            try connection.login(user: "admin", password: adminPassword, saltedPasswords: cache)
        }
        #expect(cache.hits == 0)
    }

    @Test("An entry answers only its own password, salt and iteration count")
    func keyedByAllThree() throws {
        let cache = SaltedPasswordCache()
        let salt = Array("sixteen byte salt".utf8)
        let first = try cache.saltedPassword("password", salt: salt, iterations: FastLogin.iterations)
        let again = try cache.saltedPassword("password", salt: salt, iterations: FastLogin.iterations)
        #expect(cache.hits == 1)
        #expect(bytes(again) == bytes(first))
        let moreIterations = try cache.saltedPassword("password", salt: salt, iterations: FastLogin.iterations + 1)
        let otherSalt = try cache.saltedPassword("password", salt: Array("another 16 bytes".utf8), iterations: FastLogin.iterations)
        let otherPassword = try cache.saltedPassword("passwore", salt: salt, iterations: FastLogin.iterations)
        #expect(cache.hits == 1)
        #expect(Set([first, moreIterations, otherSalt, otherPassword].map(bytes)).count == 4)
    }

    @Test("The cache keeps at most its capacity, then starts again")
    func boundedEntries() throws {
        let cache = SaltedPasswordCache()
        let salt = Array("sixteen byte salt".utf8)
        for index in 0...SaltedPasswordCache.capacity {
            _ = try cache.saltedPassword("password \(index)", salt: salt, iterations: FastLogin.iterations)
        }
        #expect(cache.count == 1)
        _ = try cache.saltedPassword("password \(SaltedPasswordCache.capacity)", salt: salt, iterations: FastLogin.iterations)
        #expect(cache.hits == 1)
        _ = try cache.saltedPassword("password 0", salt: salt, iterations: FastLogin.iterations)
        #expect(cache.hits == 1)
    }

    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }
}
