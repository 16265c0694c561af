import ManholeClient
import ManholeTesting
import ManholeWire
import Testing

/// `ManholeConnection` and `NOTICE` frames (protocol version 2), against a hand-written server.
@Suite("The client library keeps notices apart from replies")
struct NoticeQueueTests {
    @Test("Notices before a reply are skipped by 'run' and kept, the newest 256, for 'takeNotices'")
    func noticesAreKeptBounded() throws {
        let server = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "whoami" else { throw SupportError("expected whoami") }
            for number in 0..<300 { peer.sendFrame(.notice, sequence: 0, "n \(number)\n") }
            peer.sendFrame(.ok, sequence: sequence, "user admin\n")
            _ = peer.readLine()
        }
        let connection = try ManholeConnection(port: server.port)
        // The fake greets with `manhole/1`: a version 1 server is still accepted.
        #expect(connection.greeting == "manhole/1 scram-sha-256")
        try connection.login(user: "admin", password: adminPassword)
        let reply = try connection.run("whoami")
        #expect(reply.kind == .ok && reply.payload == "user admin\n")
        #expect(connection.notices.count == 256)
        let notices = connection.takeNotices()
        #expect(notices.first?.payload == "n 44\n" && notices.last?.payload == "n 299\n")
        #expect(notices.allSatisfy { $0.kind == .notice && $0.sequence == 0 })
        #expect(connection.takeNotices().isEmpty && connection.notices.isEmpty)
        connection.close()
        _ = try server.finish()
    }
}
