#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small configuration file read whole through one descriptor, so that what is checked about it
/// (not a symbolic link, a regular file, its mode, its size) and what is read are the same file,
/// even if the path is swapped between the two.
struct OwnerFile {
    /// Why a file could not be read; the caller turns it into its own error, naming the path.
    enum Failure: Error, Equatable {
        /// Nothing is at the path.
        case missing
        /// The path is a symbolic link, and the caller refuses links.
        case symbolicLink
        /// The path is a directory, a device, a FIFO or a socket.
        case notARegularFile
        /// The file holds more than the caller's limit.
        case tooLarge(limit: Int)
        /// A system call failed (its `strerror` text).
        case system(String)
    }

    /// The file's bytes.
    let bytes: [UInt8]
    /// Its permission bits (`st_mode & 0o7777`).
    let mode: UInt32

    /// Reads the file at `path`, at most `limit` bytes (more is ``Failure/tooLarge(limit:)``).
    /// With `followingLinks` false, a symbolic link as the last component is refused (`O_NOFOLLOW`).
    static func contents(of path: String, limit: Int, followingLinks: Bool) throws(Failure) -> OwnerFile {
        // O_NONBLOCK: opening a FIFO planted at the path must not hang; it is refused below.
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .missing }
            if code == ELOOP && !followingLinks { throw .symbolicLink }
            throw .system(String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile }
        guard Int(info.st_size) <= limit else { throw .tooLarge(limit: limit) }
        // Read one byte past the limit: a file that grew since `fstat` is still caught.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, min($0.count, limit + 1 - bytes.count)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        return OwnerFile(bytes: bytes, mode: UInt32(info.st_mode) & 0o7777)
    }
}

