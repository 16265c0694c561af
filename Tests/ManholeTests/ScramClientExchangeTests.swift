import ManholeWire
import Foundation
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("The client's side of the login")
struct ScramClientExchangeTests {
    /// A challenge that extends the client's nonce, with `iterations` and `salt`.
    private func challenge(
        for exchange: ScramClientExchange, iterations: Int, salt: [UInt8] = Array("sixteen byte salt".utf8)
    ) -> String {
        let nonce = exchange.clientFirst.split(separator: ",").first { $0.hasPrefix("r=") }!.dropFirst(2)
        return "r=\(nonce)server-part,s=\(Data(salt).base64EncodedString()),i=\(iterations)"
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
        #expect(throws: ScramClientExchange.Failure.weakIterations(100, minimum: FastLogin.iterations)) {
            try exchange.proof(forChallenge: text, password: adminPassword, minimumIterations: FastLogin.iterations)
        }
    }

    @Test("By default the client refuses the 4,096 iterations of the tests: it requires 210,000")
    func defaultRefusesTestIterations() {
        var exchange = ScramClientExchange(user: "admin")
        let text = challenge(for: exchange, iterations: FastLogin.iterations)
        #expect(throws: ScramClientExchange.Failure.weakIterations(FastLogin.iterations, minimum: 210_000)) {
            try exchange.proof(forChallenge: text, password: adminPassword)
        }
        #expect((try? exchange.proof(forChallenge: text, password: adminPassword, minimumIterations: FastLogin.iterations)) != nil)
    }

    @Test("An empty or 15-byte salt is refused, even with a lowered iteration minimum; 16 bytes pass", arguments: [0, 15])
    func shortSalt(length: Int) {
        var exchange = ScramClientExchange(user: "admin")
        let short = challenge(for: exchange, iterations: FastLogin.iterations, salt: Array(repeating: 7, count: length))
        #expect(throws: ScramClientExchange.Failure.weakSalt(length: length, minimum: 16)) {
            try exchange.proof(forChallenge: short, password: adminPassword, minimumIterations: FastLogin.iterations)
        }
        #expect(
            (try? exchange.proof(forChallenge: short, password: adminPassword, minimumIterations: FastLogin.iterations, minimumSaltLength: 0))
                != nil)
        let enough = challenge(for: exchange, iterations: FastLogin.iterations, salt: Array(repeating: 7, count: 16))
        #expect((try? exchange.proof(forChallenge: enough, password: adminPassword, minimumIterations: FastLogin.iterations)) != nil)
    }

    @Test("A minimum lowered to zero still refuses zero and negative iteration counts")
    func nonPositiveIterations() {
        var exchange = ScramClientExchange(user: "admin")
        for iterations in [0, -1] {
            let text = challenge(for: exchange, iterations: iterations)
            #expect(throws: ScramClientExchange.Failure.weakIterations(iterations, minimum: 1)) {
                try exchange.proof(forChallenge: text, password: adminPassword, minimumIterations: 0, minimumSaltLength: 0)
            }
        }
    }
}
