import Foundation
import ManholeTesting
import ManholeSSH
import NIOCore
import Testing

@testable import Manhole

/// The SSH listener under the hostile input the native listener is tested with: long scripts
/// and lines, floods of keys, garbage before authentication, and the shell's budget.
@Suite("ssh: hostile input and the budget")
struct SSHHostileTests {
    @Test("A script of 200 lines runs every one in order: reading pauses while 16 wait, none is refused")
    func longScript() throws {
        let (server, ssh) = try sshServer(namespace: ["app": Array(0..<200)])
        defer { ssh.stop(); server.stop() }
        let script = (0..<200).map { "inspect app[\($0)]\n" }.joined()
        let run = try runSSH(port: ssh.port, options: ["-T"], input: script)
        #expect(run.status == 0, "\(run.error)")
        let answers = run.outputLines.filter { $0.hasPrefix("app[") }
        #expect(answers == (0..<200).map { "app[\($0)]: Int = \($0)" }, "\(run.output.prefix(400)) \(run.error.prefix(400))")
    }

    @Test("A line over 64 KiB ends a script with an error and status 1; the listener serves on")
    func overlongLine() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let run = try runSSH(port: ssh.port, options: ["-T"], input: "whoami\n" + String(repeating: "x", count: 1 << 20) + "\n")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.error.contains("a line is longer than 65536 bytes"), "\(run.error)")
        #expect(try runSSH(port: ssh.port, ["whoami"]).status == 0)
    }

    @Test("64 KiB of random keys and escape sequences into the line editor: the line stays bounded, the next command runs")
    func keyFlood() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        var generator = SeededGenerator(seed: 20)
        // Everything but Enter, Ctrl-C, Ctrl-D and Tab: those would end the flood early.
        let excluded: Set<UInt8> = [0x03, 0x04, 0x09, 0x0A, 0x0D]
        var flood: [UInt8] = []
        while flood.count < 65_536 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if !excluded.contains(byte) { flood.append(byte) }
        }
        // Ctrl-U clears whatever the flood left, then a command, then Ctrl-D on the empty line.
        let input = String(decoding: flood, as: UTF8.self) + "\u{15}whoami\r\u{4}"
        let run = try runSSH(port: ssh.port, options: ["-tt"], input: input)
        #expect(run.output.contains("role"), "\(run.output.suffix(400))")
        #expect(run.status == 0, "\(run.error)")
    }

    @Test("Garbage before authentication closes that connection; the listener serves on and no slot is kept")
    func garbageBeforeLogin() throws {
        // A login deadline past the wait below: only the garbage may close the connection.
        let server = try TestServer(configure: { $0.authTimeout = .seconds(120) })
        let ssh = try server.manhole.startSSH(SSHConfiguration(port: 0))
        defer { ssh.stop(); server.stop() }
        let socket = try TCPTestSocket(port: ssh.port)
        var generator = SeededGenerator(seed: 7)
        let garbage = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        socket.sendIgnoringErrors("SSH-2.0-garbage\r\n".utf8 + garbage)
        #expect(socket.waitForClose(), "the server kept a connection that sent garbage")
        #expect(try runSSH(port: ssh.port, ["whoami"]).status == 0)
        #expect(eventually { server.manhole.sessions.isEmpty })
    }

    @Test("Past its share, an SSH script waits its turn (the budget is in its path) and every line is answered")
    func budgetApplies() throws {
        let server = try TestServer(
            configure: { $0.shellShare = 0.2; $0.shellSlice = .microseconds(250); $0.hostIsBusy = { _, _ in true } },
            namespace: ["app": Array(0..<60)])
        let ssh = try server.manhole.startSSH(SSHConfiguration(port: 0))
        defer { ssh.stop(); server.stop() }
        let run = try runSSH(port: ssh.port, options: ["-T"], input: (0..<60).map { "inspect app[\($0)]\n" }.joined())
        #expect(run.status == 0, "\(run.error)")
        #expect(run.outputLines.filter { $0.hasPrefix("app[") }.count == 60)
        let budget = server.manhole.environment.budget
        let waits = try server.manhole.environment.eventLoop.submit { budget.waits }.wait()
        #expect(waits > 0, "the budget never made the SSH session wait: it is not in the path")
    }
}

/// A deterministic generator (SplitMix64), so a failing flood can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A raw TCP connection to a loopback port, for bytes no SSH client would send.
final class TCPTestSocket {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }
        try #require(connected == 0, "cannot connect to 127.0.0.1:\(port)")
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends `bytes` until done or the peer closes (which is what a hostile sender expects).
    func sendIgnoringErrors(_ bytes: some Sequence<UInt8>) {
        let all = Array(bytes)
        var offset = 0
        while offset < all.count {
            let sent = all[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Reads until the peer closes the connection (true), or 30 s pass (false).
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR { return true }
        }
        return false
    }
}
