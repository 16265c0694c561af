import Foundation
import Testing
@testable import Manhole

@Suite("The client's side of the login")
struct ScramClientExchangeTests {
    /// A challenge that extends the client's nonce, with `iterations`.
    private func challenge(for exchange: ScramClientExchange, iterations: Int) -> String {
        let nonce = exchange.clientFirst.split(separator: ",").first { $0.hasPrefix("r=") }!.dropFirst(2)
        return "r=\(nonce)server-part,s=\(Data("sixteen byte salt".utf8).base64EncodedString()),i=\(iterations)"
    }

    @Test("A challenge asking for more iterations than the client computes is refused before any work")
    func excessiveIterations() {
        var exchange = ScramClientExchange(user: "admin")
        let text = challenge(for: exchange, iterations: 2_000_000_000)
        #expect(throws: ScramClientExchange.Failure.excessiveIterations(2_000_000_000)) {
            try exchange.proof(forChallenge: text, password: adminPassword)
        }
    }

    @Test("A challenge asking for too few iterations is refused")
    func weakIterations() {
        var exchange = ScramClientExchange(user: "admin")
        let text = challenge(for: exchange, iterations: 100)
        #expect(throws: ScramClientExchange.Failure.weakIterations(100)) {
            try exchange.proof(forChallenge: text, password: adminPassword)
        }
    }
}
