import ManholeWire
import Crypto
import Foundation
import Inspector
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

/// The secret forms of one account's credential: salt, stored key and server key, as raw bytes.
private struct Secrets {
    var byteStrings: [[UInt8]]

    /// Each secret as lower- and upper-case hex and as base64.
    var texts: [String] {
        byteStrings.flatMap { bytes in
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            return [hex, hex.uppercased(), Data(bytes).base64EncodedString()]
        }
    }

    /// Whether `reply` shows any secret, as text or as a run of rendered `UInt8` elements.
    func appear(in reply: String) -> Bool {
        if texts.contains(where: reply.contains) { return true }
        let shownBytes = reply.split(separator: "\n").compactMap { line -> UInt8? in
            guard let range = line.range(of: "UInt8 = ") else { return nil }
            return UInt8(line[range.upperBound...])
        }
        return byteStrings.contains { secret in
            let run = Array(secret.prefix(8))
            return shownBytes.count >= run.count
                && (0...(shownBytes.count - run.count)).contains { Array(shownBytes[$0..<($0 + run.count)]) == run }
        }
    }
}

/// Reads the salt the server holds for `user` from a login challenge, and derives the stored and
/// server keys from it and the password, as the server did.
private func secrets(of user: String, password: String, port: Int) throws -> Secrets {
    let connection = try ManholeConnection(port: port, timeout: .seconds(30))
    defer { connection.close() }
    let exchange = ScramClientExchange(user: user)
    try connection.socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
    let challenge = try connection.readFrame()
    let fields = challenge.payload.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
    let salt64 = try #require(fields.first { $0.hasPrefix("s=") }).dropFirst(2)
    let salt = try #require(Data(base64Encoded: String(salt64)))
    let credential = try ScramCredential(password: password, salt: Array(salt), iterations: FastLogin.iterations)
    let serverKey = credential.serverKey.withUnsafeBytes { Array($0) }
    return Secrets(byteStrings: [Array(salt), Array(credential.storedKey), serverKey])
}

/// The paths a rendering shows below its top node: those cut at the depth limit, and the
/// parents of children left out (to list with completion).
private func frontier(of reply: String, root: String) -> (deeper: [String], partial: [String]) {
    var stack = [root]
    var deeper: [String] = []
    var partial: [String] = []
    for line in reply.split(separator: "\n", omittingEmptySubsequences: true).dropFirst() {
        let content = line.drop { $0 == " " }
        let depth = (line.count - content.count) / 2
        guard depth >= 1, depth <= stack.count else { continue }
        if content.hasPrefix("… ") {
            partial.append(stack[depth - 1])
            continue
        }
        let label: Substring
        if content.hasPrefix("[\""), let end = content.range(of: "\"]: ") {
            label = content[..<content.index(after: end.lowerBound)]
        } else if let end = content.range(of: ": ") {
            label = content[..<end.lowerBound]
        } else {
            continue
        }
        let path = stack[depth - 1] + (label.hasPrefix("[") ? String(label) : "." + label)
        stack.removeSubrange(depth...)
        stack.append(path)
        if content.contains(" → ") { continue }
        if content.hasSuffix(" …") { deeper.append(path) }
    }
    return (deeper, partial)
}

@Suite("Opaque machinery: a host that registers its manhole, reactor and inspector leaks no credential", .serialized)
struct OpaqueMachineryTests {
    @Test("Walking everything reachable from the manhole, its reactor and inspector never shows a salt or key")
    func noSecretIsReachable() throws {
        let server = try TestServer()
        let inspector = server.manhole.inspector
        inspector.register("manhole", server.manhole)
        inspector.register("reactor", server.reactor)
        inspector.register("inspector", inspector)
        defer {
            for name in ["manhole", "reactor", "inspector"] { inspector.remove(name) }
        }
        let accounts = [
            try secrets(of: "admin", password: adminPassword, port: server.port),
            try secrets(of: "viewer", password: viewerPassword, port: server.port),
        ]
        let session = try server.connect()
        var queue = ["manhole", "reactor", "inspector"]
        var seen = Set(queue)
        var commands = 0
        var leaks: [String] = []
        func check(_ command: String) throws -> String {
            commands += 1
            let reply = try session.run(command).payload
            if accounts.contains(where: { $0.appear(in: reply) }) { leaks.append(command) }
            return reply
        }
        let listing = try check("ls")
        #expect(listing.contains("manhole"))
        while !queue.isEmpty, commands < 600, leaks.isEmpty {
            let path = queue.removeFirst()
            let reply = try check("inspect \(path) --depth 8")
            let (deeper, partial) = frontier(of: reply, root: path)
            var next = deeper
            for parent in partial where commands < 600 {
                let completions = try check("complete inspect \(parent)[")
                next += completions.split(separator: "\n").map(String.init)
                next += (20..<40).map { "\(parent)[\($0)]" }
            }
            for candidate in next where seen.insert(candidate).inserted { queue.append(candidate) }
        }
        #expect(leaks.isEmpty, "a credential showed in the replies to \(leaks)")
        #expect(commands > 3)
        let manhole = try session.run("inspect manhole").payload
        #expect(manhole.hasPrefix("manhole: Manhole = not inspected (manhole machinery)"), "\(manhole)")
        #expect(try session.run("inspect reactor").payload.contains("not inspected"))
        #expect(try session.run("inspect inspector").payload.contains("not inspected"))
        #expect(try session.run("whoami").kind == .ok)
    }
}
