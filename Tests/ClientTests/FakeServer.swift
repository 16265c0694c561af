import Foundation
import ManholeTesting
import Manhole
import ManholeClient
import ManholeWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hand-written manhole on a free loopback port, for one client connection: a script speaks
/// the frames of docs/protocol.md over a plain socket, so a test can offer what a real server
/// never would (weak login parameters, control characters, huge length claims). Records every
/// line the client sends.
final class FakeServer: @unchecked Sendable {
    private let listener: LoopbackListener
    private let lock = NSLock()
    private var lines: [String] = []
    private var failure: String?
    private let done = DispatchSemaphore(value: 0)

    /// Listens, then runs `script` on its own thread for the first connection.
    init(_ script: @escaping @Sendable (FakePeer) throws -> Void) throws {
        let listener = try LoopbackListener()
        self.listener = listener
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            let descriptor = accept(listener.descriptor, nil, nil)
            guard descriptor >= 0 else { return }
            let peer = FakePeer(descriptor: descriptor) { [self] line in lock.withLock { lines.append(line) } }
            defer { peer.close() }
            do {
                try script(peer)
            } catch {
                lock.withLock { failure = "\(error)" }
            }
        }
    }

    /// The port the client is to connect to.
    var port: Int { listener.port }

    /// Waits (at most 60 s) for the script to end; returns every line the client sent, or
    /// throws what the script threw.
    func finish() throws -> [String] {
        // Wakes the accept if the client never came.
        shutdown(listener.descriptor, Int32(SHUT_RDWR))
        guard done.wait(timeout: .now() + 60) == .success else { throw SupportError("the fake server's script did not end within 60 s") }
        close(listener.descriptor)
        return try lock.withLock {
            if let failure { throw SupportError("fake server: \(failure)") }
            return lines
        }
    }
}

/// The fake server's side of one connection.
final class FakePeer {
    private let descriptor: Int32
    private let record: (String) -> Void
    private var buffer: [UInt8] = []

    init(descriptor: Int32, record: @escaping (String) -> Void) {
        self.descriptor = descriptor
        self.record = record
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Keeps the kernel's send buffer small (64 KiB), so that what a client did not read cannot
    /// hide in it.
    func limitSendBuffer() {
        var size: Int32 = 65_536
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends raw bytes; returns how many went out before the client hung up.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        return offset
    }

    /// Sends a frame whose payload is `payload`'s bytes, which need not be valid UTF-8.
    func sendFrame(_ kind: Frame.Kind, sequence: Int, format: Frame.Format = .text, payload: [UInt8]) {
        send(Array("\(kind.rawValue) \(sequence) \(payload.count) \(format.rawValue)\n".utf8) + payload + [0x0A])
    }

    /// Sends a frame.
    func sendFrame(_ kind: Frame.Kind, sequence: Int, format: Frame.Format = .text, _ payload: String) {
        sendFrame(kind, sequence: sequence, format: format, payload: Array(payload.utf8))
    }

    /// The next line from the client (recorded), or `nil` when it closed the connection or
    /// sent nothing for 30 s.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                record(line)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4_096)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Greets, and answers the client's `AUTH` with a challenge of `iterations` and `salt`;
    /// returns the line the client sent next (its `PROOF`, if it sent one).
    func offerChallenge(iterations: Int, salt: [UInt8]) throws -> String? {
        sendFrame(.hello, sequence: 0, "manhole/1 scram-sha-256\n")
        guard let auth = readLine(), let nonce = auth.split(separator: ",").first(where: { $0.hasPrefix("r=") }) else {
            throw SupportError("no AUTH from the client")
        }
        sendFrame(.challenge, sequence: 1, "\(nonce)fake-server-nonce,s=\(Data(salt).base64EncodedString()),i=\(iterations)\n")
        return readLine()
    }

    /// Logs the client in for real (SCRAM with `password`, 210,000 iterations, a 16-byte salt),
    /// so that what follows reaches its command loop. Returns the next sequence number.
    func logIn(user: String = "admin", password: String = adminPassword) throws -> Int {
        sendFrame(.hello, sequence: 0, "manhole/1 scram-sha-256\n")
        guard let auth = readLine(), auth.hasPrefix("AUTH SCRAM-SHA-256 ") else { throw SupportError("no AUTH from the client") }
        let credential = try ScramCredential(
            password: password, salt: Array("a salt of 16 b..".utf8), iterations: ScramClientExchange.defaultMinimumIterations)
        let exchange = try ScramServerExchange(clientFirst: auth.dropFirst("AUTH SCRAM-SHA-256 ".count)) { _ in credential }
        sendFrame(.challenge, sequence: 1, exchange.challenge + "\n")
        guard let proof = readLine(), proof.hasPrefix("PROOF ") else { throw SupportError("no PROOF from the client") }
        let signature = try exchange.verify(clientFinal: proof.dropFirst("PROOF ".count))
        sendFrame(.welcome, sequence: 2, "\(signature) user=\(user) role=admin session=1\n")
        return 3
    }

    /// Closes the connection.
    func close() {
        Glibc.close(descriptor)
    }
}
