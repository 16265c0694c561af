import BenchmarkSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ManholeTesting

/// The floor for a command round trip: a plain blocking TCP server, one thread per connection,
/// that answers every line with a fixed reply (the same bytes the manhole sends back), with
/// TCP_NODELAY like the manhole. No event loop, no parsing, no framing work.
final class TCPPingPongServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let reply: [UInt8]

    init(reply: String) throws {
        self.reply = Array(reply.utf8)
        let opened = try LoopbackListener(backlog: 64)
        listener = opened.descriptor
        port = opened.port
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var pending = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress! + pending, $0.count - pending, 0) }
            guard count > 0 else { break }
            pending += count
            while let newline = buffer[..<pending].firstIndex(of: UInt8(ascii: "\n")) {
                _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                buffer.removeSubrange(...newline)
                buffer.append(contentsOf: [UInt8](repeating: 0, count: newline + 1))
                pending -= newline + 1
            }
        }
        close(connection)
    }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
}
