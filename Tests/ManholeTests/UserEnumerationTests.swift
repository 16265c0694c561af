import ManholeWire
import Foundation
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("User enumeration: a known and an unknown name cost and look the same")
struct UserEnumerationTests {
    @Test("A lookup does the same work for a known and an unknown user: decoy salt, random key, decoy keys, account table")
    func sameWork() throws {
        let store = try CredentialStore(
            accounts: [Account(name: "admin", password: adminPassword, role: .admin)], iterations: FastLogin.iterations)
        var known: [CredentialStore.LookupStep] = []
        var unknown: [CredentialStore.LookupStep] = []
        let real = store.credential(for: "admin") { known.append($0) }
        let decoy = store.credential(for: "ghost") { unknown.append($0) }
        #expect(known == unknown)
        #expect(known == [.decoySalt, .decoyRandomKey, .decoyKeys, .accountLookup])
        // The same shape: a 16-byte salt and the same iteration count.
        #expect(real.salt.count == decoy.salt.count)
        #expect(real.iterations == decoy.iterations)
        // The known user gets its real credential, stable; the decoy's salt is stable too.
        #expect(store.credential(for: "admin").storedKey == real.storedKey)
        #expect(store.credential(for: "ghost").salt == decoy.salt)
    }

    @Test("Over the wire, a known and an unknown user get challenges and denials of the same shape")
    func sameReplies() throws {
        let server = try TestServer()
        func attempt(_ user: String) throws -> (challenge: [String], denial: String) {
            let connection = try server.raw()
            try connection.socket.write("AUTH SCRAM-SHA-256 n,,n=\(user),r=0123456789abcdefghij\n")
            let challenge = try connection.readFrame()
            let fields = challenge.payload.trimmingTrailingNewline.split(separator: ",")
            let nonce = fields.first { $0.hasPrefix("r=") } ?? ""
            try connection.socket.write("PROOF c=biws,\(nonce),p=\(Data(repeating: 1, count: 32).base64EncodedString())\n")
            let denial = try connection.readFrame()
            return (fields.map { "\($0.prefix(2))\($0.count - 2)" }, "\(denial.kind) \(denial.payload)")
        }
        let known = try attempt("admin")
        let unknown = try attempt("ghost")
        #expect(known.challenge == unknown.challenge)
        #expect(known.denial == unknown.denial)
    }
}
