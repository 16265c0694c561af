#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The directory that holds the manhole's Unix-domain socket: only its owner may enter it, so
/// file permissions guard the socket before any login.
struct UnixSocketDirectory: Sendable {
    /// The socket's path.
    let socketPath: String
    /// The directory's path.
    let path: String
    /// Whether `start` created the directory (then `stop` removes it once empty).
    let created: Bool

    /// The longest socket path `sockaddr_un` holds, in bytes (its 108 bytes on Linux, 104 on macOS,
    /// less the final NUL).
    static var maximumPathLength: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    /// Checks the socket's directory, creating it with mode 0700 if it is missing; refuses a
    /// directory that is a symbolic link, belongs to another user, or is open to group or others,
    /// and a socket another process is listening on.
    static func prepare(socketPath: String) throws(ManholeError) -> UnixSocketDirectory {
        func unsafe(_ reason: String) -> ManholeError { .unsafeSocketDirectory(path: socketPath, reason: reason) }
        guard socketPath.hasPrefix("/"), let slash = socketPath.lastIndex(of: "/"),
            socketPath.index(after: slash) < socketPath.endIndex
        else { throw unsafe("the socket path must be absolute and name a file") }
        guard socketPath.utf8.count <= maximumPathLength else {
            throw unsafe("the path is longer than \(maximumPathLength) bytes")
        }
        let directory = slash == socketPath.startIndex ? "/" : String(socketPath[..<slash])
        var created = false
        var info = stat()
        if lstat(directory, &info) != 0 {
            guard errno == ENOENT else { throw unsafe("cannot read \(directory): \(String(cString: strerror(errno)))") }
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw unsafe("cannot create \(directory): \(String(cString: strerror(errno)))")
            }
            created = true
            guard lstat(directory, &info) == 0 else { throw unsafe("cannot read \(directory)") }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw unsafe("\(directory) is not a directory (or is a symbolic link)") }
        guard info.st_uid == geteuid() else {
            throw unsafe("\(directory) belongs to uid \(info.st_uid), not to this process (uid \(geteuid()))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw unsafe("\(directory) has mode 0\(String(mode, radix: 8)): others may enter it (chmod 700 it)")
        }
        // A stale socket file is replaced at bind; a live one (another manhole) is not taken over.
        if lstat(socketPath, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK,
            someoneListens(on: socketPath)
        {
            throw unsafe("another process is listening on it")
        }
        return UnixSocketDirectory(socketPath: socketPath, path: directory, created: created)
    }

    /// Whether a connect to the socket file at `path` succeeds, i.e. a live process serves it.
    /// SwiftNIO builds the socket address (its checks of the path's length included).
    private static func someoneListens(on path: String) -> Bool {
        guard let address = try? SocketAddress(unixDomainSocketPath: path) else { return false }
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return address.withSockAddr { connect(descriptor, $0, socklen_t($1)) } == 0
    }

    /// Makes the bound socket readable and writable by its owner only (0600).
    func restrictSocket() throws(ManholeError) {
        guard chmod(socketPath, 0o600) == 0 else {
            throw .unsafeSocketDirectory(path: socketPath, reason: "cannot chmod the socket: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the socket file, and the directory if `start` created it and it is now empty.
    func remove() {
        var info = stat()
        if lstat(socketPath, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { unlink(socketPath) }
        if created { rmdir(path) }
    }
}
