import Foundation
import ManholeTesting
import Testing

/// `manhole-client --socket PATH`: the real client over a manhole's Unix-domain socket.
@Suite("manhole-client --socket")
struct SocketOptionTests {
    /// A socket path in a directory that does not exist yet (the manhole creates it 0700).
    private func socketPath() -> String { "/tmp/mh-\(UUID().uuidString.prefix(8))/manhole.sock" }

    @Test("--socket logs in over the Unix-domain socket and runs the commands")
    func loginOverSocket() throws {
        let path = socketPath()
        let server = try TestServer { $0.unixSocketPath = path; $0.listenOnTCP = false }
        defer { server.stop() }
        let run = try runClient(["--socket", path, "-u", "admin", "-c", "whoami", "-c", "sessions"])
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.hasPrefix("user     admin\nrole     admin\nsession  "))
        #expect(run.output.contains("uid:\(getuid())"))
    }

    @Test("--socket and -p together are refused before connecting")
    func socketAndPortExclusive() throws {
        let run = try runClient(["--socket", socketPath(), "-p", "5022", "-c", "whoami"])
        #expect(run.status != 0)
        #expect(run.error.contains("--socket and -p/--port are mutually exclusive"))
    }

    @Test("A missing socket is a connection failure (exit 2) naming the path")
    func missingSocket() throws {
        let path = socketPath()
        let run = try runClient(["--socket", path, "-c", "whoami"])
        #expect(run.status == 2)
        #expect(run.error.contains("cannot connect to \(path)"))
    }
}
