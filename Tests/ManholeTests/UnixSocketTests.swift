import Foundation
import ManholeTesting
import Logging
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

/// A fresh, short directory path under /tmp that does not exist yet (socket paths are limited to
/// about 100 bytes).
private func freshDirectory() -> String {
    "/tmp/mh-\(UUID().uuidString.prefix(8))"
}

/// The permission bits of `path` (`lstat`, so a link is not followed).
private func mode(of path: String) throws -> Int {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw ShellError("cannot stat \(path)") }
    return Int(info.st_mode & 0o777)
}

/// Starts a manhole configured by `configure` on a reactor of its own and stops both: for
/// configurations that `start` must refuse.
private func startAndStop(_ configure: (inout Manhole.Configuration) -> Void) throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    var configuration = Manhole.Configuration()
    configuration.port = 0
    configuration.pbkdf2Iterations = FastLogin.iterations
    configuration.logger.logLevel = .critical
    configure(&configuration)
    let manhole = try Manhole.start(
        accounts: [Account(name: "admin", password: adminPassword)], configuration: configuration, reactor: reactor)
    manhole.stop()
}

@Suite("The Unix-domain socket listener")
struct UnixSocketTests {
    @Test("start creates the directory 0700 and the socket 0600; a peer with an allowed uid logs in; stop removes them")
    func loginOverTheSocket() throws {
        let directory = freshDirectory()
        let socketPath = directory + "/manhole.sock"
        let server = try TestServer { $0.unixSocketPath = socketPath }
        #expect(try mode(of: directory) == 0o700)
        #expect(try mode(of: socketPath) == 0o600)
        #expect(server.manhole.unixSocketPath == socketPath)

        let connection = try ManholeConnection(socketPath: socketPath, timeout: .seconds(30))
        #expect(connection.greeting == "manhole/2 scram-sha-256")
        try connection.login(user: "viewer", password: viewerPassword, minimumIterations: FastLogin.iterations)
        #expect(try connection.run("whoami").kind == .ok)
        // TCP still works beside it, and both share one session table.
        let tcp = try server.connect()
        let listing = try tcp.run("sessions").payload
        #expect(listing.contains("uid:\(getuid())"))
        #expect(server.manhole.sessions.filter { $0.user != nil }.count == 2)

        server.manhole.stop()
        #expect(framesUntilClosed(connection).map(\.kind) == [.bye])
        #expect(!FileManager.default.fileExists(atPath: socketPath))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("Both listeners share the session limits")
    func sharedLimits() throws {
        let socketPath = freshDirectory() + "/m.sock"
        let server = try TestServer { $0.unixSocketPath = socketPath; $0.maxSessions = 2 }
        defer { server.manhole.stop() }
        let first = try server.connect()
        let second = try ManholeConnection(socketPath: socketPath)
        try second.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(throws: ManholeConnection.LoginFailure.refused("too many sessions (the limit is 2); try again later")) {
            try ManholeConnection(socketPath: socketPath)
        }
        #expect(try first.run("whoami").kind == .ok)
    }

    @Test("A peer whose uid is not allowed is told goodbye before the greeting, and it is logged")
    func disallowedUID() throws {
        let capture = InMemoryLogHandler()
        let socketPath = freshDirectory() + "/m.sock"
        let others: Set<UInt32> = [getuid() &+ 4_242]
        let server = try TestServer { configuration in
            configuration.unixSocketPath = socketPath
            configuration.unixSocketAllowedUIDs = others
            configuration.logger = Logger(label: "test.unix") { _ in capture }
        }
        defer { server.manhole.stop() }
        #expect(throws: ManholeConnection.LoginFailure.refused("uid \(getuid()) may not use this socket")) {
            try ManholeConnection(socketPath: socketPath, timeout: .seconds(30))
        }
        #expect(capture.entries.map(\.line).contains { $0.hasPrefix("warning unix-socket peer refused") && $0.contains("peer=uid:\(getuid())") })
        #expect(server.manhole.sessions.isEmpty)
    }

    @Test("The kernel reports this process's uid for a peer on the socket (root included)")
    func peerCredentialIsOwnUID() throws {
        let socketPath = freshDirectory() + "/m.sock"
        let server = try TestServer { $0.unixSocketPath = socketPath }
        defer { server.manhole.stop() }
        let connection = try ManholeConnection(socketPath: socketPath)
        try connection.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(server.manhole.sessions.map(\.peer) == ["uid:\(getuid())"])
        // Failed logins over the socket are throttled per uid (the socket has no IP address).
        let guesser = try ManholeConnection(socketPath: socketPath)
        #expect(throws: ManholeConnection.LoginFailure.self) { try guesser.login(user: "admin", password: "wrong password", minimumIterations: FastLogin.iterations) }
        #expect(server.manhole.environment.state.throttle(of: LoginSource.uid(getuid())).failures == 1)
    }

    @Test("A directory open to group or others is refused at start",
        arguments: [0o777, 0o750, 0o701])
    func looseDirectoryRefused(permissions: Int) throws {
        let directory = freshDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        chmod(directory, mode_t(permissions))
        #expect {
            try startAndStop { $0.unixSocketPath = directory + "/m.sock" }
        } throws: { error in
            guard case .unsafeSocketDirectory(_, let reason) = error as? ManholeError else { return false }
            return reason.contains("mode 0\(String(permissions, radix: 8))")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/m.sock"))
    }

    @Test("A symbolic link as the directory, or a relative path, is refused at start")
    func linkAndRelativeRefused() throws {
        let target = freshDirectory()
        let link = freshDirectory()
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        chmod(target, 0o700)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        defer {
            try? FileManager.default.removeItem(atPath: link)
            try? FileManager.default.removeItem(atPath: target)
        }
        for path in [link + "/m.sock", "relative/m.sock", "/tmp/" + String(repeating: "x", count: 120)] {
            #expect(throws: ManholeError.self, "\(path)") { try startAndStop { $0.unixSocketPath = path } }
        }
    }

    @Test("Without TCP, the socket alone serves; with neither, start refuses")
    func socketOnly() throws {
        let socketPath = freshDirectory() + "/m.sock"
        let server = try TestServer { $0.unixSocketPath = socketPath; $0.listenOnTCP = false }
        defer { server.manhole.stop() }
        #expect(server.port == 0)
        let connection = try ManholeConnection(socketPath: socketPath)
        try connection.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(try connection.run("whoami").kind == .ok)
        #expect(throws: ManholeError.noListener) { try startAndStop { $0.listenOnTCP = false } }
    }
}

extension UnixSocketTests {
    @Test("A socket another manhole listens on is not taken over; a stale socket file is replaced")
    func liveSocketNotTakenOver() throws {
        let socketPath = freshDirectory() + "/m.sock"
        let first = try TestServer { $0.unixSocketPath = socketPath }
        #expect {
            try startAndStop { $0.unixSocketPath = socketPath }
        } throws: { error in
            guard case .unsafeSocketDirectory(_, let reason) = error as? ManholeError else { return false }
            return reason == "another process is listening on it"
        }
        #expect(try ManholeConnection(socketPath: socketPath).greeting == "manhole/2 scram-sha-256")
        first.manhole.stop()
        // A stale socket file (nobody listening) is replaced.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8)) }
        let directory = String(socketPath.dropLast("/m.sock".count))
        mkdir(directory, 0o700)
        defer { rmdir(directory) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(stale)
        #expect(bound == 0)
        let second = try TestServer { $0.unixSocketPath = socketPath }
        defer { second.manhole.stop() }
        #expect(try ManholeConnection(socketPath: socketPath).greeting == "manhole/2 scram-sha-256")
    }
}
