import Crypto
import ManholeWire

// The SCRAM-SHA-256 messages, both sides. Byte 0 of the input picks a mode; the rest is text,
// its lines being the messages.
//
// - server: line 1 is the client-first message as `LoginStateMachine` hands it over (after
//   `AUTH SCRAM-SHA-256 `), line 2 the client-final (after `PROOF `), against a fixed credential.
// - client: line 1 is the server's challenge (`r=+…` stands for "the client's own nonce, then…"
//   so that the fuzzer gets past the nonce check), line 2 the server-final (`v=…`).
// - round trip: the input is a user name, a password and a salt (up to 64 bytes); a real client
//   and a real server must agree, and the user name must survive SCRAM's escaping.
//
// Iteration counts stay tiny (PBKDF2 through swift-crypto's unchecked entry), and the fixed
// credential is derived once.

/// The credential every server-mode exchange runs against (salted password fixed, no PBKDF2).
private let fixedCredential = ScramCredential(
    salt: Array("fuzz-salt-16byte".utf8), iterations: 4_096,
    saltedPassword: SymmetricKey(data: SHA256.hash(data: Array("pencil".utf8))))

/// The largest iteration count the client mode lets a challenge ask for (PBKDF2 runs for real).
private let maximumClientIterations = 8

private func lines(_ bytes: ArraySlice<UInt8>) -> [Substring] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
}

private func serverSide(_ input: ArraySlice<UInt8>) {
    let messages = lines(input)
    for message in messages { _ = ScramAttributes(parsing: message) }
    guard let first = messages.first else { return }
    if let attributes = ScramAttributes(parsing: first), let name = attributes["n"] {
        _ = ScramAttributes.decodeUsername(name)
    }
    guard let exchange = try? ScramServerExchange(clientFirst: first, credential: { _ in fixedCredential }) else { return }
    guard !exchange.user.isEmpty, ScramAttributes(parsing: Substring(exchange.challenge)) != nil else {
        fatalError("accepted client-first \(first) gives user \(exchange.user), challenge \(exchange.challenge)")
    }
    guard messages.count > 1 else { return }
    // The fuzzer cannot forge a proof: anything it sends must be refused.
    if (try? exchange.verify(clientFinal: messages[1])) != nil {
        fatalError("forged client-final \(messages[1]) accepted")
    }
}

private func clientSide(_ input: ArraySlice<UInt8>) {
    let messages = lines(input)
    var exchange = ScramClientExchange(user: "user")
    let clientNonce = String(exchange.clientFirst.split(separator: "=").last ?? "")
    var challenge = String(messages.first ?? "")
    if challenge.hasPrefix("r=+") { challenge = "r=" + clientNonce + challenge.dropFirst(3) }
    if let attributes = ScramAttributes(parsing: Substring(challenge)), let text = attributes["i"],
        let iterations = Int(text), iterations > maximumClientIterations
    {
        return
    }
    guard (try? exchange.proof(forChallenge: challenge, password: "pencil", minimumIterations: 1, minimumSaltLength: 0)) != nil,
        messages.count > 1
    else { return }
    // The fuzzer cannot forge the server's signature either.
    if (try? exchange.verifyServer(String(messages[1]))) != nil {
        fatalError("forged server-final \(messages[1]) accepted")
    }
}

/// Whether `name` is a user name the credential store accepts (ASCII letters, digits, `.`, `_`,
/// `-`), widened to every printable ASCII character so that `,` and `=` need escaping.
private func isPrintableASCIIName(_ name: String) -> Bool {
    (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { (0x21...0x7E).contains($0) }
}

private func roundTrip(_ input: ArraySlice<UInt8>) {
    let fields = lines(input)
    let user = String(fields.first ?? "")
    let password = fields.count > 1 ? String(fields[1]) : ""
    let salt = fields.count > 2 ? Array(fields[2].utf8) : [0]

    if ScramAttributes.decodeUsername(ScramAttributes.encodeUsername(user)) != user && isPrintableASCIIName(user) {
        fatalError("user name \(user) does not survive SCRAM escaping")
    }
    // Real salts are 16 random bytes; one past a few hundred bytes makes a challenge longer than
    // the 1,024 bytes a SCRAM message may have, which the client rightly refuses.
    guard isPrintableASCIIName(user), (1...64).contains(salt.count),
        let credential = try? ScramCredential(password: password, salt: salt, iterations: 1)
    else { return }
    var client = ScramClientExchange(user: user)
    let first = client.clientFirst
    guard first.hasPrefix("n,,") else { fatalError("client-first \(first) lacks n,,") }
    let server: ScramServerExchange
    do {
        server = try ScramServerExchange(clientFirst: Substring(first), credential: { _ in credential })
    } catch {
        fatalError("server refuses client-first \(first): \(error)")
    }
    guard server.user == user else { fatalError("server reads user \(server.user) from \(first)") }
    do {
        let proof = try client.proof(forChallenge: server.challenge, password: password, minimumIterations: 1, minimumSaltLength: 0)
        let signature = try server.verify(clientFinal: Substring(proof))
        try client.verifyServer(signature)
    } catch {
        fatalError("login of \(user) with password \(password) fails: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let input = Array(bytes)[1...]
    switch bytes[0] % 3 {
    case 0: serverSide(input)
    case 1: clientSide(input)
    default: roundTrip(input)
    }
    return 0
}
