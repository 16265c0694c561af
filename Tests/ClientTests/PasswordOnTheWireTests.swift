import Crypto
import Foundation
import ManholeTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real `manhole-client` logging in through a loopback relay that records every byte it sends.
@Suite("The password on the wire")
struct PasswordOnTheWireTests {
    @Test("Every byte the real client sends during login holds neither the password nor an unsalted hash of it")
    func passwordNeverOnTheWire() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let relay = try RecordingRelay(upstreamPort: server.port)
        let run = try runClient(["-p", "\(relay.port)", "-u", "admin", "-c", "whoami"])
        let sent = relay.finish()
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("user     admin\nrole     admin\nsession  "))
        // The relay saw the login: the client's first message and its proof.
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.hasPrefix("AUTH SCRAM-SHA-256 n,,n=admin,r="))
        #expect(text.contains("\nPROOF c=biws,r="))

        let password = Array(adminPassword.utf8)
        let digests: [(String, [UInt8])] = [
            ("SHA-256", Array(SHA256.hash(data: password))),
            ("SHA-384", Array(SHA384.hash(data: password))),
            ("SHA-512", Array(SHA512.hash(data: password))),
            ("SHA-1", Array(Insecure.SHA1.hash(data: password))),
            ("MD5", Array(Insecure.MD5.hash(data: password))),
        ]
        var forbidden: [(String, [UInt8])] = [
            ("the password", password),
            ("the password in base64", Array(Data(password).base64EncodedString().utf8)),
        ]
        for (name, digest) in digests {
            let hex = digest.map { String(format: "%02x", $0) }.joined()
            forbidden.append(("\(name), raw", digest))
            forbidden.append(("\(name) in hex", Array(hex.utf8)))
            forbidden.append(("\(name) in upper-case hex", Array(hex.uppercased().utf8)))
            forbidden.append(("\(name) in base64", Array(Data(digest).base64EncodedString().utf8)))
        }
        for (name, bytes) in forbidden {
            #expect(sent.firstRange(of: bytes) == nil, "\(name) crossed the socket")
        }
    }
}

/// A TCP relay on a free loopback port to `upstreamPort`, for one connection: it passes bytes
/// both ways and records what the client sends.
final class RecordingRelay: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [UInt8] = []
    private let done = DispatchGroup()

    init(upstreamPort: Int) throws {
        let opened = try LoopbackListener()
        let listener = opened.descriptor
        self.listener = listener
        port = opened.port
        done.enter()
        Thread.detachNewThread { [self] in
            defer { done.leave() }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let server = Self.connectLoopback(port: upstreamPort) else { return _ = close(client) }
            let pumps = DispatchGroup()
            pumps.enter()
            Thread.detachNewThread { [self] in
                pump(from: client, to: server) { bytes in lock.withLock { recorded.append(contentsOf: bytes) } }
                pumps.leave()
            }
            pump(from: server, to: client) { _ in }
            pumps.wait()
            close(client)
            close(server)
        }
    }

    /// Waits for the connection to end both ways; returns every byte the client sent.
    func finish() -> [UInt8] {
        // Wakes the accept if the client never came.
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
        return lock.withLock { recorded }
    }

    /// Copies until end of input, then passes the end on (half-close).
    private func pump(from source: Int32, to destination: Int32, _ record: ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            record(Array(buffer[..<count]))
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { break }
                offset += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
    }

    private static func connectLoopback(port: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
