import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A password the demo made up because none was given, and how the operator learns it: on the
/// terminal (`/dev/tty`), or else in a file only the owner can read (mode 0600) whose path goes
/// to standard output. Never on standard output or error themselves, where logs collect it.
enum GeneratedPassword {
    /// Why a password could not be handed over.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh random password: 20 characters from an alphabet without look-alikes (~115 bits).
    static func make() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    /// The default file for `user`'s password when there is no terminal:
    /// `$TMPDIR/manhole-demo-password-PID`, with `-USER` after it for any user but the admin.
    static func defaultPath(environment: [String: String], admin: Bool, user: String) -> String {
        var directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        return "\(directory)/manhole-demo-password-\(getpid())" + (admin ? "" : "-\(user)")
    }

    /// Shows `password` on the terminal if the process has one; otherwise writes it to a new
    /// file at `path` (created with mode 0600; an existing file or symbolic link there is an
    /// error, not overwritten) and returns that path, for the caller to print.
    /// - Returns: `nil` when the password went to the terminal.
    static func deliver(_ password: String, for user: String, fileIfNoTerminal path: String) throws -> String? {
        if writeToTerminal("manhole-demo: password for \(user): \(password)\n") { return nil }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create the password file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        guard writeAll(Array((password + "\n").utf8), to: descriptor) else {
            throw Failure(description: "cannot write the password file \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Writes `text` to the controlling terminal; `false` when there is none.
    private static func writeToTerminal(_ text: String) -> Bool {
        let terminal = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { return false }
        defer { close(terminal) }
        return writeAll(Array(text.utf8), to: terminal)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
