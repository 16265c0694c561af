package import Crypto
import Foundation
package import NIOSSH

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The SSH listener's Ed25519 host key: what clients pin in `known_hosts`, so it lives in a file
/// (mode 0600) that survives restarts, or, for a key per run, in memory only.
package struct SSHHostKey: Sendable {
    /// The first line of a key file: names the format, so that another kind of key file put at
    /// the path is refused rather than misread.
    static let fileHeader = "manhole-ssh-host-key-ed25519"
    /// A key file is two short lines; anything much longer is not one of ours.
    static let maximumFileSize = 4096

    private let key: Curve25519.Signing.PrivateKey

    /// Wraps a key the host hands over in memory.
    package init(ed25519 key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// A fresh random key, for a listener whose clients see a new host key at every start.
    package static func generated() -> SSHHostKey {
        SSHHostKey(ed25519: Curve25519.Signing.PrivateKey())
    }

    /// The key for NIOSSH's server configuration.
    package var privateKey: NIOSSHPrivateKey { NIOSSHPrivateKey(ed25519Key: key) }

    /// The public half, as clients see it.
    package var publicKey: NIOSSHPublicKey { privateKey.publicKey }

    /// OpenSSH's fingerprint of the public key, `SHA256:` and the unpadded base64 of the SHA-256
    /// of its wire blob: the text `ssh -v`, `ssh-keygen -lf` and the first-connection prompt show,
    /// so an operator can compare them.
    package var fingerprint: String {
        Self.fingerprint(of: publicKey)
    }

    /// The OpenSSH `SHA256:` fingerprint of any public key.
    package static func fingerprint(of publicKey: NIOSSHPublicKey) -> String {
        // `String(openSSHPublicKey:)` is "TYPE BASE64"; the base64 field is the wire blob.
        let line = String(openSSHPublicKey: publicKey)
        let blob = line.split(separator: " ").dropFirst().first.flatMap { Data(base64Encoded: String($0)) } ?? Data()
        let encoded = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + encoded.prefix { $0 != "=" }
    }

    /// Reads the key file at `path`, or, if nothing is there, creates it (mode 0600 from its
    /// first moment) with a new key. A file that is a symbolic link, is open to group or others,
    /// or is not a key file written here is refused, never repaired or replaced.
    package static func loadOrCreate(at path: String) throws(SSHHostKeyError) -> SSHHostKey {
        if let existing = try load(at: path) { return existing }
        let key = Curve25519.Signing.PrivateKey()
        if try create(key, at: path) { return SSHHostKey(ed25519: key) }
        // Another process created the file between our look and our create: use its key.
        guard let theirs = try load(at: path) else {
            throw .uncreatable(path: path, reason: "the file appeared and vanished while it was being created")
        }
        return theirs
    }

    /// The key in the file at `path`; `nil` if there is no file.
    private static func load(at path: String) throws(SSHHostKeyError) -> SSHHostKey? {
        let file: OwnerFile
        do {
            file = try OwnerFile.contents(of: path, limit: maximumFileSize, followingLinks: false)
        } catch {
            switch error {
            case .missing: return nil
            case .symbolicLink: throw .symbolicLink(path: path)
            case .notARegularFile: throw .notARegularFile(path: path)
            case .tooLarge(let limit): throw .malformed(path: path, reason: "longer than \(limit) bytes")
            case .system(let reason): throw .unreadable(path: path, reason: reason)
            }
        }
        guard file.mode & 0o077 == 0 else { throw .unsafeMode(path: path, mode: file.mode) }
        return SSHHostKey(ed25519: try parse(file.bytes, path: path))
    }

    /// The private key in a key file's bytes: the header line, then the 32-byte raw key in base64.
    static func parse(_ bytes: [UInt8], path: String) throws(SSHHostKeyError) -> Curve25519.Signing.PrivateKey {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: path, reason: "not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == Substring(fileHeader) else {
            throw .malformed(path: path, reason: "the first line is not \"\(fileHeader)\"")
        }
        guard lines.count == 2 else {
            throw .malformed(path: path, reason: "expected 2 lines, found \(lines.count)")
        }
        guard let raw = Data(base64Encoded: String(lines[1])), raw.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw .malformed(path: path, reason: "the second line is not a 32-byte key in base64")
        }
        return key
    }

    /// The bytes of the key file for `key`.
    static func fileContents(of key: Curve25519.Signing.PrivateKey) -> [UInt8] {
        Array("\(fileHeader)\n\(key.rawRepresentation.base64EncodedString())\n".utf8)
    }

    /// Writes `key` to a new file at `path`: first to a temporary file beside it, created with
    /// `O_CREAT | O_EXCL` and mode 0600, then hard-linked into place, so that no one ever reads a
    /// half-written key or a wider mode, and an existing file is never overwritten.
    /// - Returns: `false` if a file appeared at `path` meanwhile (left as it is).
    private static func create(_ key: Curve25519.Signing.PrivateKey, at path: String) throws(SSHHostKeyError) -> Bool {
        func failure(_ what: String) -> SSHHostKeyError {
            .uncreatable(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        var generator = SystemRandomNumberGenerator()
        let temporary = "\(path).new-\(getpid())-\(String(generator.next() as UInt64, radix: 16))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        defer { unlink(temporary) }
        let written = writeAll(fileContents(of: key), to: descriptor) && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard written else {
            errno = writeError
            throw failure("cannot write \(temporary)")
        }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("cannot link \(temporary) to it")
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
