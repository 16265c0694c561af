/// Why the SSH listener's host key file could not be used. Each names the file, so the operator
/// knows which one to fix.
package enum SSHHostKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file's permissions let its group or others read or write it: a host key anyone can
    /// read lets them impersonate the server. The mode is the file's permission bits.
    case unsafeMode(path: String, mode: UInt32)
    /// The path is a symbolic link: it is refused rather than followed, so that a link planted
    /// there cannot point the server at another file.
    case symbolicLink(path: String)
    /// The path is a directory, device, FIFO or socket.
    case notARegularFile(path: String)
    /// The file is not a host key this manhole wrote.
    case malformed(path: String, reason: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file did not exist and could not be created.
    case uncreatable(path: String, reason: String)

    /// A one-line explanation.
    package var description: String {
        switch self {
        case .unsafeMode(let path, let mode):
            "refusing the SSH host key \(path): its mode 0\(String(mode, radix: 8)) lets group or others at it (chmod 600 it)"
        case .symbolicLink(let path):
            "refusing the SSH host key \(path): it is a symbolic link (name the file itself)"
        case .notARegularFile(let path):
            "refusing the SSH host key \(path): not a regular file"
        case .malformed(let path, let reason):
            "refusing the SSH host key \(path): \(reason) (expected a file manhole wrote; remove it to get a new key)"
        case .unreadable(let path, let reason):
            "cannot read the SSH host key \(path): \(reason)"
        case .uncreatable(let path, let reason):
            "cannot create the SSH host key \(path): \(reason)"
        }
    }
}
