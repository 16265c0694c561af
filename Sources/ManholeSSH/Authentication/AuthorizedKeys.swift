package import NIOSSH

/// The public keys that may log in over SSH, per user, from `authorized_keys`-style files: one
/// key a line, `TYPE BASE64 [comment]`, with `#` comments and blank lines skipped. Read once when
/// the listener starts; a file that changes later takes effect at the next start.
package struct AuthorizedKeys: Sendable {
    /// The key types accepted: those NIOSSH verifies signatures for. (RSA is not among them.)
    package static let supportedTypes: Set<String> = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    ]
    /// The largest file read, in bytes: an `authorized_keys` file is a few kilobytes; a huge one
    /// is a mistake (the wrong path) that should not be read into memory.
    package static let maximumFileSize = 1 << 20
    /// The most keys one file may hold.
    package static let maximumKeyCount = 1_000
    /// The longest line, in bytes (a P-521 key line is under 300; OpenSSH's own limit is 16 KiB).
    package static let maximumLineLength = 16 * 1024

    private let keys: [String: Set<NIOSSHPublicKey>]

    /// Keys the host hands over in memory, per user.
    package init(keys: [String: [NIOSSHPublicKey]]) {
        self.keys = keys.mapValues(Set.init)
    }

    /// Reads each user's file (user → path). A file that group or others may write is refused, as
    /// OpenSSH's `StrictModes` does: whoever can write it can add their own key.
    /// - Throws: the first file's error, naming the file and, where one is to blame, the line.
    package init(files: [String: String]) throws(AuthorizedKeysError) {
        var keys: [String: [NIOSSHPublicKey]] = [:]
        // In a stable order, so that of several bad files the same one is reported each time.
        for (user, path) in files.sorted(by: { $0.key < $1.key }) {
            keys[user] = try Self.keys(inFile: path)
        }
        self.init(keys: keys)
    }

    /// Whether `key` may log in as `user`.
    package func allows(_ key: NIOSSHPublicKey, for user: String) -> Bool {
        keys[user]?.contains(key) ?? false
    }

    /// The keys in the file at `path` (symbolic links followed, as `~/.ssh` setups often use them).
    package static func keys(inFile path: String) throws(AuthorizedKeysError) -> [NIOSSHPublicKey] {
        let file: OwnerFile
        do {
            file = try OwnerFile.contents(of: path, limit: maximumFileSize, followingLinks: true)
        } catch {
            let reason: AuthorizedKeysError.Reason =
                switch error {
                case .missing: .unreadable("no such file")
                case .symbolicLink: .unreadable("a symbolic link")
                case .notARegularFile: .notARegularFile
                case .tooLarge: .fileTooLarge
                case .system(let detail): .unreadable(detail)
                }
            throw AuthorizedKeysError(file: path, reason: reason)
        }
        guard file.mode & 0o022 == 0 else { throw AuthorizedKeysError(file: path, reason: .unsafeMode(file.mode)) }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            throw AuthorizedKeysError(file: path, reason: .notText)
        }
        return try parse(text, file: path)
    }

    /// The keys in `text`, an `authorized_keys` file's contents; `file` names it in errors.
    package static func parse(_ text: String, file: String) throws(AuthorizedKeysError) -> [NIOSSHPublicKey] {
        guard text.utf8.count <= maximumFileSize else { throw AuthorizedKeysError(file: file, reason: .fileTooLarge) }
        var keys: [NIOSSHPublicKey] = []
        // Split on the scalar "\n", not the Character: "\r\n" is one Character, and would hide the
        // line break of a file written on Windows.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init)
        for (index, rawLine) in lines.enumerated() {
            func fail(_ reason: AuthorizedKeysError.Reason) -> AuthorizedKeysError {
                AuthorizedKeysError(file: file, line: index + 1, reason: reason)
            }
            guard rawLine.utf8.count <= maximumLineLength else { throw fail(.lineTooLong) }
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let type = fields.first, !type.hasPrefix("#") else { continue }
            guard supportedTypes.contains(String(type)) else {
                throw fail(looksLikeOptions(fields) ? .optionsNotSupported : .unsupportedType(String(type)))
            }
            guard fields.count >= 2 else { throw fail(.missingKey) }
            guard keys.count < maximumKeyCount else { throw fail(.tooManyKeys) }
            do {
                keys.append(try NIOSSHPublicKey(openSSHPublicKey: "\(type) \(fields[1])"))
            } catch {
                throw fail(.invalidKey("\(error)"))
            }
        }
        return keys
    }

    /// Whether a line whose first field is no supported type has options before its type: an
    /// `=` in the first field (`from="…"`, `command="…"`), or a key type in a later field
    /// (`no-pty ssh-ed25519 …`). Any other line names an unknown type.
    private static func looksLikeOptions(_ fields: [Substring]) -> Bool {
        fields[0].contains("=")
            || fields.dropFirst().contains { supportedTypes.contains(String($0)) || $0.hasPrefix("ssh-") || $0.hasPrefix("ecdsa-") }
    }
}
