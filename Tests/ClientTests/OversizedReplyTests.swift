import Foundation
import Testing

/// The real client against a fake server whose reply header claims a huge payload: refused
/// before anything is read or allocated for it, the connection closed, exit 2.
@Suite("Oversized replies")
struct OversizedReplyTests {
    @Test("A 100 MiB claim, streamed for real, is refused after at most the socket's buffers: the client hangs up at once")
    func hundredMebibytes() throws {
        let length = 100 << 20
        let server = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "whoami" else { throw SupportError("no command") }
            // The whole payload, as fast as the client takes it: a client that read it would take all.
            peer.limitSendBuffer()
            var sent = peer.send(Array("OK \(sequence) \(length) text\n".utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
            while sent < length {
                let count = peer.send(chunk)
                sent += count
                if count < chunk.count { break }
            }
            if sent >= 16 << 20 { throw SupportError("the client took \(sent) bytes of a reply it should have refused") }
        }
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "whoami"], allowingWeakServerParameters: false)
        _ = try server.finish()
        #expect(run.status == 2)
        #expect(
            run.error.contains("announced a reply of \(length) bytes, more than the 16777216 this client accepts"),
            "stderr: \(run.error)")
        #expect(run.error.contains("--max-reply-bytes"))
    }

    @Test("An Int.max claim, or one above --max-reply-bytes, is refused while the server keeps the connection open", arguments: [
        (Int.max, [String]()), (1_001, ["--max-reply-bytes", "1000"]),
    ])
    func claimAboveLimit(length: Int, options: [String]) throws {
        let server = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "whoami" else { throw SupportError("no command") }
            peer.send(Array("OK \(sequence) \(length) text\n".utf8))
            // Keeps the connection open: the client must leave by itself, not wait for the bytes.
            if let line = peer.readLine() { throw SupportError("the client sent \(line) after the claim") }
        }
        let run = try runClient(
            ["-p", "\(server.port)", "-u", "admin", "-c", "whoami"] + options, allowingWeakServerParameters: false)
        _ = try server.finish()
        #expect(run.status == 2)
        #expect(run.error.contains("manhole-client: connection lost: the server announced a reply of \(length) bytes"), "stderr: \(run.error)")
    }

    @Test("--max-reply-bytes must be positive")
    func limitValidated() throws {
        let run = try runClient(["-p", "1", "--max-reply-bytes", "0", "-c", "whoami"])
        #expect(run.status != 0)
        #expect(run.error.contains("--max-reply-bytes must be positive"))
    }
}
