import Foundation
import ManholeClient
import ManholeWire
import ManholeTesting

/// A manhole in a child process (this executable, run with `--serve`), for the benchmarks whose
/// clients must not share the server's process: the budget counts every thread of the host's
/// process but the sessions' own as host work, so a client in the same process makes the host
/// look busy and the manhole step aside for it. Stopped by closing its input.
final class ChildManhole: Sendable {
    let child: ChildProcess
    let port: Int
    /// The port of a bare SwiftNIO line server in the same child (``NIOLineEchoServer``): a floor.
    let floorPort: Int

    /// What the child registers: `config`, whose `config.retry.attempts` is the 3-segment path the
    /// issue's targets name (the demo's settings have the same shape).
    struct Config: Sendable {
        struct Retry: Sendable {
            let attempts = 3
        }

        let retry = Retry()
    }

    /// Starts the child and waits until it listens.
    init() throws {
        child = try ChildProcess.launch(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), arguments: ["--serve"])
        guard let line = child.nextLine(within: .seconds(60)), line.hasPrefix("ready port="),
            case let ports = line.dropFirst("ready port=".count).split(separator: " floor="), ports.count == 2,
            let port = Int(ports[0]), let floorPort = Int(ports[1])
        else {
            child.kill()
            throw BenchmarkError("the child manhole did not start")
        }
        self.port = port
        self.floorPort = floorPort
    }

    /// A new session, logged in; the client derives the key once per child (RFC 5802 §5.1), so
    /// opening the sessions of a case does not spend tens of milliseconds each.
    func connect() throws -> ManholeConnection {
        let connection = try ManholeConnection(port: port)
        try connection.login(user: BenchmarkManhole.user, password: BenchmarkManhole.password, saltedPasswords: saltedPasswords)
        return connection
    }

    private let saltedPasswords = SaltedPasswordCache()

    /// CPU nanoseconds all the child's threads have used so far (from /proc/PID/task/*/schedstat).
    var cpuNanoseconds: Int {
        threadStats(ofProcess: "\(child.processIdentifier)").values.reduce(0) { $0 + $1.cpu }
    }

    /// Ends the child and waits for it.
    func stop() {
        child.closeInput()
        if !child.waitForExit(within: .seconds(30)) { child.kill() }
    }

    /// The child's side: starts the manhole, says its port, serves until its input closes.
    static func serve() throws {
        let server = try BenchmarkManhole(namespace: ["config": Config()]) {
            $0.maxSessions = 64
            $0.maxSessionsPerUser = 64
        }
        let floor = try NIOLineEchoServer()
        print("ready port=\(server.port) floor=\(floor.port)")
        fflush(nil)
        while readLine() != nil {}
        floor.stop()
        server.stop()
    }
}

/// A benchmark that could not run, and why.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
