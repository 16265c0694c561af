import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client of one request per connection, enough for the tests: it sends the
/// request with `Connection: close` (all at once, or its body's end later) and reads the reply to the end.
enum HTTPProbe {
    /// A reply: its status code and body.
    struct Reply: Sendable {
        var status: Int
        var body: String
    }

    /// Sends `method path` (with `body`) to 127.0.0.1:`port` and returns the reply.
    static func send(_ method: String, _ path: String, body: String = "", port: Int) throws -> Reply {
        let request = try Pending(method, path, body: body, sending: body.utf8.count, port: port)
        return try request.finish()
    }

    /// A request sent in part: its head and the first bytes of its body, the rest held back, so
    /// that the server is handling it (reading its body) until ``finish()`` sends the rest.
    final class Pending {
        private let fd: Int32
        private let rest: [UInt8]

        /// Connects to 127.0.0.1:`port` and sends the head and the first `sending` bytes of `body`.
        init(_ method: String, _ path: String, body: String, sending: Int, port: Int) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HostError("socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(fd)
                throw HostError("connect to \(port): errno \(errno)")
            }
            // A read that waits longer than this is a hang: the test fails instead of sticking.
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let bodyBytes = Array(body.utf8)
            let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n"
            self.fd = fd
            rest = Array(bodyBytes[sending...])
            try write(Array(head.utf8) + bodyBytes[..<sending])
        }

        deinit { close(fd) }

        /// Sends the rest of the body and reads the reply to the end.
        func finish() throws -> Reply {
            try write(rest)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count == 0 { break }
                guard count > 0 else { throw HostError("recv: errno \(errno)") }
                bytes += buffer[..<count]
            }
            return try HTTPProbe.parse(String(decoding: bytes, as: UTF8.self))
        }

        private func write(_ bytes: [UInt8]) throws {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw HostError("send: errno \(errno)") }
                sent += count
            }
        }
    }

    fileprivate static func parse(_ text: String) throws -> Reply {
        guard let headEnd = text.range(of: "\r\n\r\n") else { throw HostError("no complete HTTP reply: \(text.debugDescription)") }
        let statusLine = text[..<headEnd.lowerBound].prefix { $0 != "\r" }
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/1."), let status = Int(fields[1]) else {
            throw HostError("bad status line: \(statusLine)")
        }
        return Reply(status: status, body: String(text[headEnd.upperBound...]))
    }
}
