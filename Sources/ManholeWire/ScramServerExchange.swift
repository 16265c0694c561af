import Crypto
import Foundation

/// The server's side of one SCRAM-SHA-256 login (no channel binding): parse the client's first
/// message, answer with a challenge, verify the client's proof in constant time, prove itself.
///
/// The password never crosses the socket, and because every challenge carries a fresh server
/// nonce, a recorded exchange cannot be replayed.
package struct ScramServerExchange: Sendable {
    /// Why a message was refused. Every reason ends in the same `DENIED` reply on the wire.
    package enum Failure: Error, Sendable, Equatable {
        /// The message does not follow the grammar; the text says what was expected.
        case malformed(String)
        /// The proof (or the nonce it carries) is wrong.
        case wrongProof
    }

    /// The user the client claims to be (decoded from `n=`).
    package let user: String
    private let credential: ScramCredential
    private let clientFirstBare: String
    private let serverFirst: String
    private let nonce: String

    /// Starts an exchange from the client's first message (`n,,n=USER,r=NONCE`).
    /// - Parameter credential: Looks up a user's credential; returns a decoy for unknown users.
    package init(clientFirst: Substring, credential lookup: (String) -> ScramCredential) throws(Failure) {
        guard clientFirst.hasPrefix("n,,") else { throw .malformed("expected 'n,,' (no channel binding)") }
        let bare = clientFirst.dropFirst(3)
        guard let attributes = ScramAttributes(parsing: bare), let encoded = attributes["n"],
            let user = ScramAttributes.decodeUsername(encoded), !user.isEmpty,
            let clientNonce = attributes["r"], (16...128).contains(clientNonce.utf8.count),
            !clientNonce.contains(",")
        else { throw .malformed("expected n=USER,r=NONCE") }
        self.user = user
        self.credential = lookup(user)
        self.clientFirstBare = String(bare)
        self.nonce = clientNonce + ScramAttributes.makeNonce()
        self.serverFirst = "r=\(nonce),s=\(Data(credential.salt).base64EncodedString()),i=\(credential.iterations)"
    }

    /// The challenge to send: `r=NONCE,s=SALT,i=ITERATIONS`.
    package var challenge: String { serverFirst }

    /// Checks the client's final message (`c=biws,r=NONCE,p=PROOF`); returns the server's
    /// signature (`v=…`) to send back when the proof is right.
    package func verify(clientFinal: Substring) throws(Failure) -> String {
        guard let attributes = ScramAttributes(parsing: clientFinal), attributes["c"] == "biws",
            let proofText = attributes["p"], let proof = Data(base64Encoded: proofText), proof.count == 32,
            clientFinal.hasSuffix(",p=\(proofText)")
        else { throw .malformed("expected c=biws,r=NONCE,p=PROOF") }
        // The nonce is compared like the proof: in constant time, and a mismatch is just a failure.
        let sentNonce = attributes["r"] ?? ""
        let withoutProof = clientFinal.dropLast(",p=\(proofText)".utf8.count)
        let authMessage = "\(clientFirstBare),\(serverFirst),\(withoutProof)"
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(authMessage.utf8), using: SymmetricKey(data: credential.storedKey))
        let clientKey = zip(proof, signature).map { $0 ^ $1 }
        let nonceMatches = constantTimeEqual(Array(sentNonce.utf8), Array(nonce.utf8))
        guard SHA256.hash(data: clientKey) == credential.storedKey, nonceMatches else { throw .wrongProof }
        let serverSignature = HMAC<SHA256>.authenticationCode(for: Data(authMessage.utf8), using: credential.serverKey)
        return "v=\(Data(serverSignature).base64EncodedString())"
    }
}

/// Compares two byte strings without stopping at the first difference.
package func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
    for index in 0..<min(lhs.count, rhs.count) { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
