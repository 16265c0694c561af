/// Why an `authorized_keys` file was refused: which file, which line (when one is to blame) and
/// what is wrong with it. The whole file is refused, not just the line, so that a typo never
/// silently drops a key the operator meant to add, or keeps one they meant to restrict.
package struct AuthorizedKeysError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package enum Reason: Sendable, Hashable {
        /// The line starts with options (`from="…"`, `command="…"`, `no-pty`, …): manhole
        /// implements none of them, and ignoring a restriction would grant more than was meant.
        case optionsNotSupported
        /// The key type is not one of `ssh-ed25519` and `ecdsa-sha2-nistp256/384/521`.
        case unsupportedType(String)
        /// The line has a type but no base64 key after it.
        case missingKey
        /// The base64 key does not decode to a key of the line's type (NIOSSH's reason).
        case invalidKey(String)
        /// The line is longer than ``AuthorizedKeys/maximumLineLength`` bytes.
        case lineTooLong
        /// The file holds more than ``AuthorizedKeys/maximumKeyCount`` keys.
        case tooManyKeys
        /// The file is longer than ``AuthorizedKeys/maximumFileSize`` bytes.
        case fileTooLarge
        /// The file is not UTF-8 text.
        case notText
        /// Group or others may write the file (its permission bits): they could add their keys.
        case unsafeMode(UInt32)
        /// The path is a directory, device, FIFO or socket.
        case notARegularFile
        /// The file cannot be read (the system's reason).
        case unreadable(String)
    }

    /// The file's path (or the name given to text parsed from memory).
    package let file: String
    /// The 1-based line at fault, when one is.
    package let line: Int?
    /// What is wrong.
    package let reason: Reason

    /// An error about `file`, at `line` if one is to blame.
    package init(file: String, line: Int? = nil, reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// A one-line explanation.
    package var description: String {
        let place = line.map { "\(file), line \($0)" } ?? file
        let why: String =
            switch reason {
            case .optionsNotSupported:
                "key options (from=, command=, no-pty, …) are not supported: manhole does not implement them, remove them"
            case .unsupportedType(let type):
                "unsupported key type \"\(type)\" (use ssh-ed25519 or ecdsa-sha2-nistp256, -nistp384, -nistp521)"
            case .missingKey: "no base64 key after the key type"
            case .invalidKey(let detail): "not a valid key: \(detail)"
            case .lineTooLong: "longer than \(AuthorizedKeys.maximumLineLength) bytes"
            case .tooManyKeys: "more than \(AuthorizedKeys.maximumKeyCount) keys"
            case .fileTooLarge: "longer than \(AuthorizedKeys.maximumFileSize) bytes"
            case .notText: "not UTF-8 text"
            case .unsafeMode(let mode): "its mode 0\(String(mode, radix: 8)) lets group or others write it (chmod go-w it)"
            case .notARegularFile: "not a regular file"
            case .unreadable(let detail): "cannot read it: \(detail)"
            }
        return "refusing the authorized keys \(place): \(why)"
    }
}
