#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A listening TCP socket on 127.0.0.1 with a free port, for the servers and relays that tests
/// and benchmarks write with plain sockets (a fake manhole, a recording relay, the TCP floor).
/// The caller accepts on ``descriptor`` and closes it.
public struct LoopbackListener: Sendable {
    /// Why the listener could not be opened.
    public struct Failure: Error, CustomStringConvertible {
        /// The call that failed and the system's reason.
        public let description: String
    }

    /// The listening socket.
    public let descriptor: Int32
    /// The port it listens on.
    public let port: Int

    /// Opens a socket bound to 127.0.0.1 on a free port and listens with `backlog`.
    public init(backlog: Int32 = 1) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, backlog) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "bind 127.0.0.1: \(reason)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
