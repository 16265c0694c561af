import ManholeWire
import Foundation
import Testing
import ManholeTesting

/// The real client against a fake server that offers weak login parameters: whoever binds the
/// port while the host restarts must not get a proof that is cheap to crack offline.
@Suite("Weak server parameters")
struct WeakServerParameterTests {
    /// What the fake server offered, and the words the client's refusal must contain.
    struct Offer: Sendable, CustomStringConvertible {
        var iterations: Int
        var saltLength: Int
        var complaint: String
        var description: String { "\(iterations) iterations, \(saltLength)-byte salt" }
    }

    static let offers = [
        Offer(iterations: FastLogin.iterations, saltLength: 16, complaint: "only \(FastLogin.iterations) PBKDF2 iterations, fewer than the 210000"),
        Offer(iterations: 210_000, saltLength: 0, complaint: "salt is 0 bytes, shorter than the 16"),
        Offer(iterations: 210_000, saltLength: 15, complaint: "salt is 15 bytes, shorter than the 16"),
    ]

    @Test("The client refuses weak parameters with a clear error and exit 2, and never sends PROOF", arguments: offers)
    func refused(offer: Offer) throws {
        let server = try FakeServer { peer in
            _ = try peer.offerChallenge(iterations: offer.iterations, salt: Array(repeating: 7, count: offer.saltLength))
        }
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "whoami"], allowingWeakServerParameters: false)
        let sent = try server.finish()
        #expect(run.status == 2, "stderr: \(run.error)")
        #expect(run.error.contains(offer.complaint), "stderr: \(run.error)")
        #expect(run.error.contains("no proof was sent"))
        #expect(run.error.contains("--allow-weak-server-parameters"))
        #expect(sent.count == 1 && sent[0].hasPrefix("AUTH "), "sent: \(sent)")
        #expect(!sent.contains { $0.hasPrefix("PROOF") })
    }

    @Test("With --allow-weak-server-parameters the client answers the same challenge with its proof", arguments: offers)
    func allowed(offer: Offer) throws {
        let server = try FakeServer { peer in
            if try peer.offerChallenge(iterations: offer.iterations, salt: Array(repeating: 7, count: offer.saltLength)) != nil {
                peer.sendFrame(.denied, sequence: 2, "authentication failed\n")
            }
        }
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "whoami"], allowingWeakServerParameters: true)
        let sent = try server.finish()
        #expect(sent.count == 2 && sent[1].hasPrefix("PROOF c=biws,r="), "sent: \(sent)")
        #expect(run.status == 2)
        #expect(run.error.contains("login failed: authentication failed"), "stderr: \(run.error)")
    }
}
