#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking TCP or Unix-domain connection with a receive timeout and buffered line reads: all a command-line
/// client needs, without an event loop. Not thread-safe: one thread uses it at a time.
package final class BlockingSocket {
    /// Why a socket operation failed.
    package enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The host name did not resolve.
        case unknownHost(String)
        /// `connect` failed (the server is not there, or refused).
        case connectFailed(host: String, port: Int, reason: String)
        /// `connect` to a Unix-domain socket failed (no such socket, no permission, nobody listening).
        case socketConnectFailed(path: String, reason: String)
        /// The peer closed the connection.
        case closed
        /// Nothing arrived within the timeout.
        case timedOut
        /// Another socket error.
        case system(String)

        /// A one-line explanation.
        package var description: String {
            switch self {
            case .unknownHost(let host): "unknown host \(host)"
            case .connectFailed(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
            case .socketConnectFailed(let path, let reason): "cannot connect to \(path): \(reason)"
            case .closed: "the server closed the connection"
            case .timedOut: "no answer from the server in time"
            case .system(let reason): reason
            }
        }
    }

    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where `recv` writes, kept between reads (it was a fresh, zeroed 64 KiB array per read).
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    /// How long a read may poll before it blocks, in nanoseconds (see `fill`).
    private var pollBudget = BlockingSocket.maximumPoll
    private var readsSinceProbe = 0

    /// The longest a read polls for its data before blocking, in nanoseconds.
    static let maximumPoll = 40_000

    /// Connects to `host:port` with `TCP_NODELAY` on; the connect and reads give up after
    /// `timeout` (a host that drops packets silently fails in that time, not in the kernel's
    /// two minutes or more).
    package init(host: String, port: Int, timeout: Duration = .seconds(30)) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure.unknownHost(host)
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var address: UnsafeMutablePointer<addrinfo>? = first
        descriptor = -1
        while let candidate = address {
            let fd = socket(candidate.pointee.ai_family, candidate.pointee.ai_socktype, candidate.pointee.ai_protocol)
            if fd >= 0 {
                // Linux bounds a blocking connect by the send timeout (EINPROGRESS when it runs out).
                Self.setTimeout(timeout, option: SO_SNDTIMEO, on: fd)
                if connect(fd, candidate.pointee.ai_addr, candidate.pointee.ai_addrlen) == 0 {
                    Self.setTimeout(.zero, option: SO_SNDTIMEO, on: fd)
                    descriptor = fd
                    break
                }
                lastError = errno == EINPROGRESS
                    ? "no answer within \(timeout.components.seconds) s" : String(cString: strerror(errno))
                closeDescriptor(fd)
            }
            address = candidate.pointee.ai_next
        }
        guard descriptor >= 0 else { throw Failure.connectFailed(host: host, port: port, reason: lastError) }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setTimeout(timeout)
    }

    /// Connects to the Unix-domain socket at `path`; reads give up after `timeout`.
    package convenience init(path: String, timeout: Duration = .seconds(30)) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure.socketConnectFailed(path: path, reason: "the path is empty or too long for a socket address")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure.system(String(cString: strerror(errno))) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            closeDescriptor(fd)
            throw Failure.socketConnectFailed(path: path, reason: reason)
        }
        self.init(connected: fd, timeout: timeout)
    }

    /// Takes over a connected socket.
    private init(connected descriptor: Int32, timeout: Duration) {
        self.descriptor = descriptor
        setTimeout(timeout)
    }

    deinit { if descriptor >= 0 { closeDescriptor(descriptor) } }

    /// Changes how long a read waits.
    package func setTimeout(_ timeout: Duration) {
        Self.setTimeout(timeout, option: SO_RCVTIMEO, on: descriptor)
    }

    /// Sets a socket's receive or send timeout (zero: none).
    private static func setTimeout(_ timeout: Duration, option: Int32, on descriptor: Int32) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE || errno == ECONNRESET ? Failure.closed : Failure.system(String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// Writes a string as UTF-8.
    package func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Reads up to and without the next `\n`.
    package func readLine(maximum: Int = 1 << 20) throws -> [UInt8] {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                compact()
                return line
            }
            guard buffer.count - start <= maximum else { throw Failure.system("line longer than \(maximum) bytes") }
            try fill()
        }
    }

    /// Reads exactly `count` bytes.
    package func read(exactly count: Int) throws -> [UInt8] {
        while buffer.count - start < count { try fill() }
        let bytes = Array(buffer[start..<start + count])
        start += count
        compact()
        return bytes
    }

    /// Whether input waits to be read: bytes already buffered, or the socket readable within
    /// `milliseconds` (0: now; -1: wait). An interactive client polls this between keystrokes.
    package func hasInput(waitingMilliseconds milliseconds: Int32 = 0) -> Bool {
        if buffer.count > start { return true }
        guard descriptor >= 0 else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// The socket's file descriptor (-1 once closed), for a client that polls it beside its
    /// standard input; reading it directly would bypass the buffer.
    package var fileDescriptor: Int32 { descriptor }

    /// Closes the sending side (the peer sees end of input) but keeps reading.
    package func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes the connection at once with a reset (`SO_LINGER` 0): unsent data is dropped and
    /// the peer sees `ECONNRESET` instead of an orderly end.
    package func abort() {
        guard descriptor >= 0 else { return }
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Closes the connection.
    package func close() {
        if descriptor >= 0 {
            closeDescriptor(descriptor)
            descriptor = -1
        }
    }

    /// Reads what has arrived, waiting for it if nothing has.
    ///
    /// A reply usually comes within tens of microseconds, and blocking costs a wake from idle
    /// about that long on a small VM (shared/PLATFORM.md): so a read first polls, without
    /// blocking, for up to `pollBudget`. The budget adapts like the Reactor's `SpinPolicy`: a poll
    /// that catches nothing halves it (down to nothing: the client then blocks at once, as on a
    /// busy machine, where replies are slow and the client must not take the host's cores), one
    /// that catches its data restores it, and while it is nothing one read in 64 polls anyway.
    private func fill() throws {
        let count = receivePolling() ?? chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return
        }
        if count == 0 { throw Failure.closed }
        if errno == EINTR { return }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timedOut }
        throw errno == ECONNRESET ? Failure.closed : Failure.system(String(cString: strerror(errno)))
    }

    /// Polls for data for up to the budget: the byte count (or a `recv` error's -1, `errno` set)
    /// when something happened, `nil` when the poll ran out and the caller should block.
    private func receivePolling() -> Int? {
        var limit = pollBudget
        if limit == 0 {
            readsSinceProbe += 1
            guard readsSinceProbe % 64 == 0 else { return nil }
            limit = Self.maximumPoll
        }
        var started: timespec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &started)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                pollBudget = Self.maximumPoll
                return count
            }
            var current: timespec = timespec()
            clock_gettime(CLOCK_MONOTONIC, &current)
            let elapsed = (current.tv_sec - started.tv_sec) * 1_000_000_000 + (current.tv_nsec - started.tv_nsec)
            if elapsed > limit {
                pollBudget = limit / 2 < 1_000 ? 0 : limit / 2
                return nil
            }
        }
    }

    private func compact() {
        if start > 65_536 || start == buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}

/// Closes a file descriptor (the free function, which `BlockingSocket.close()` shadows).
private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
