import Glibc
import ManholeClient
import ManholeTesting
import ManholeWire
import Testing

/// A script that drives sessions from one thread sends its lines first and reads the replies
/// when its socket is readable (`ManholeConnection.sendCommand` and `fileDescriptor`).
@Suite("Commands sent without waiting are answered in order")
struct PipelinedCommandsTests {
    @Test("Three lines sent at once get three replies, in order, each with its line's sequence number")
    func repliesComeInOrder() throws {
        let server = try TestServer(namespace: ["depth": 3, "name": "orders"])
        let connection = try server.connect()
        try connection.sendCommand("inspect depth")
        try connection.sendCommand("no-such-command")
        try connection.sendCommand("inspect name", json: true)
        var descriptor = pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 30_000) == 1)
        let replies = try (0..<3).map { _ in try connection.readFrame() }
        #expect(replies.map(\.kind) == [.ok, .error, .ok])
        let first = replies[0].sequence
        #expect(replies.map(\.sequence) == [first, first + 1, first + 2])
        #expect(replies[0].payload == "depth: Int = 3\n")
        #expect(replies[1].payload.contains("unknown command 'no-such-command'"), "\(replies[1].payload)")
        #expect(replies[2].format == .json && replies[2].payload.contains("orders"), "\(replies[2].payload)")
        #expect(try connection.run("whoami").sequence == first + 3)
        connection.close()
        #expect(connection.fileDescriptor == -1)
    }
}
