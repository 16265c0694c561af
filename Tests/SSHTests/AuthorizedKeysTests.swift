import Crypto
import Foundation
import ManholeSSH
import NIOSSH
import Testing

@Suite("Authorized keys")
struct AuthorizedKeysTests {
    private static func ed25519() -> NIOSSHPublicKey { NIOSSHPrivateKey(ed25519Key: .init()).publicKey }
    private static func line(_ key: NIOSSHPublicKey, _ comment: String = "") -> String {
        String(openSSHPublicKey: key) + (comment.isEmpty ? "" : " " + comment)
    }

    /// The error `text` is refused with (through a real file).
    private func refusal(of text: String, mode: Int = 0o600) throws -> AuthorizedKeysError? {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(text, to: "authorized_keys", mode: mode)
        let error = #expect(throws: AuthorizedKeysError.self) { try AuthorizedKeys(files: ["admin": path]) }
        #expect(error?.file == path)
        #expect(error?.description.contains(path) == true)
        return error
    }

    @Test("A file with comments, blank lines and every supported key type allows its keys for its user only")
    func goodFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keys = [
            Self.ed25519(),
            NIOSSHPrivateKey(p256Key: .init()).publicKey,
            NIOSSHPrivateKey(p384Key: .init()).publicKey,
            NIOSSHPrivateKey(p521Key: .init()).publicKey,
        ]
        let text = """
            # admin's keys

            \(Self.line(keys[0], "laptop"))
              \(Self.line(keys[1]))\r
            \t\(Self.line(keys[2], "with a comment of several words"))
            # \(Self.line(keys[3])) is not this one: a commented-out line
            """
        let viewerKey = Self.ed25519()
        let files = [
            "admin": try directory.write(text + "\n" + Self.line(keys[3], "last line, no newline"), to: "admin_keys", mode: 0o644),
            "viewer": try directory.write(Self.line(viewerKey) + "\n", to: "viewer_keys"),
        ]
        let authorized = try AuthorizedKeys(files: files)
        for key in keys {
            #expect(authorized.allows(key, for: "admin"))
            #expect(!authorized.allows(key, for: "viewer"))
        }
        #expect(authorized.allows(viewerKey, for: "viewer"))
        #expect(!authorized.allows(viewerKey, for: "admin"))
        #expect(!authorized.allows(Self.ed25519(), for: "admin"))
        #expect(!authorized.allows(keys[0], for: "nobody"))
        #expect(try AuthorizedKeys.keys(inFile: files["admin"]!).count == 4)
    }

    @Test("A commented-out key is not allowed")
    func commentedOut() throws {
        let key = Self.ed25519()
        let keys = try AuthorizedKeys.parse("#" + Self.line(key) + "\n   # " + Self.line(key), file: "memory")
        #expect(keys.isEmpty)
    }

    @Test("Keys handed over in memory are allowed for their user")
    func inMemory() {
        let key = Self.ed25519()
        let authorized = AuthorizedKeys(keys: ["admin": [key]])
        #expect(authorized.allows(key, for: "admin"))
        #expect(!authorized.allows(key, for: "viewer"))
        #expect(!authorized.allows(Self.ed25519(), for: "admin"))
    }

    @Test("A line with options before the key type is refused with its line number", arguments: [
        #"from="10.0.0.1" "#, "no-pty ", #"command="echo hello world",no-port-forwarding "#, "restrict ",
    ])
    func optionsRefused(options: String) throws {
        let text = "# keys\n\(Self.line(Self.ed25519()))\n\(options)\(Self.line(Self.ed25519(), "bob"))\n"
        let error = try refusal(of: text)
        #expect(error?.line == 3)
        #expect(error?.reason == .optionsNotSupported)
        #expect(error?.description.contains("line 3") == true)
        #expect(error?.description.contains("not supported") == true)
    }

    @Test("An unsupported key type is refused with its line number", arguments: [
        "ssh-rsa", "ssh-dss", "sk-ssh-ed25519@openssh.com", "ssh-ed25519-cert-v01@openssh.com", "SSH-ED25519",
    ])
    func unknownTypeRefused(type: String) throws {
        let error = try refusal(of: "\n\(type) AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 someone\n")
        #expect(error?.line == 2)
        #expect(error?.reason == .unsupportedType(type))
        #expect(error?.description.contains(type) == true)
    }

    @Test("A key that does not decode, or is of another type than its line says, is refused")
    func invalidKeyRefused() throws {
        let ed25519Blob = Self.line(Self.ed25519()).split(separator: " ")[1]
        for text in ["ssh-ed25519 !!!notbase64", "ssh-ed25519 AAAA", "ecdsa-sha2-nistp256 \(ed25519Blob)"] {
            let error = try refusal(of: text)
            #expect(error?.line == 1)
            guard case .invalidKey = error?.reason else {
                Issue.record("\(text): expected .invalidKey, got \(String(describing: error))")
                continue
            }
        }
        #expect(try refusal(of: "ssh-ed25519\n")?.reason == .missingKey)
    }

    @Test("A file of 1,000 keys is read; one more key is refused at its line")
    func keyCountBound() throws {
        let line = Self.line(Self.ed25519(), "same key")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(repeating: line, count: AuthorizedKeys.maximumKeyCount).joined(separator: "\n"), to: "k")
        #expect(try AuthorizedKeys.keys(inFile: path).count == 1_000)
        let error = try refusal(of: "# one too many\n" + Array(repeating: line, count: 1_001).joined(separator: "\n"))
        #expect(error?.reason == .tooManyKeys)
        #expect(error?.line == 1_002)
    }

    @Test("A line of 16 KiB is read; a longer one is refused, comment or not")
    func lineLengthBound() throws {
        let key = Self.line(Self.ed25519())
        let longest = key + " " + String(repeating: "c", count: AuthorizedKeys.maximumLineLength - key.utf8.count - 1)
        #expect(try AuthorizedKeys.parse(longest, file: "memory").count == 1)
        let error = try refusal(of: "\(key)\n\(longest)c\n")
        #expect(error?.reason == .lineTooLong)
        #expect(error?.line == 2)
        #expect(try refusal(of: "#" + String(repeating: "c", count: AuthorizedKeys.maximumLineLength))?.reason == .lineTooLong)
    }

    @Test("A file of 1 MiB is read; a longer one is refused")
    func fileSizeBound() throws {
        let key = Self.line(Self.ed25519())
        let filler = String(repeating: "#" + String(repeating: "x", count: 1022) + "\n", count: 1023)
        let exact = filler + key + "\n" + String(repeating: "#", count: AuthorizedKeys.maximumFileSize - filler.utf8.count - key.utf8.count - 1)
        #expect(exact.utf8.count == AuthorizedKeys.maximumFileSize)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try AuthorizedKeys.keys(inFile: try directory.write(exact, to: "k")).count == 1)
        let error = try refusal(of: exact + "#")
        #expect(error?.reason == .fileTooLarge)
        #expect(error?.line == nil)
    }

    @Test("A file that group or others may write is refused: they could add their own key")
    func writableRefused() throws {
        let text = Self.line(Self.ed25519())
        #expect(try refusal(of: text, mode: 0o664)?.reason == .unsafeMode(0o664))
        #expect(try refusal(of: text, mode: 0o646)?.reason == .unsafeMode(0o646))
    }

    @Test("A missing file or a directory is refused, naming the path")
    func missingRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.file("nothing")
        let error = #expect(throws: AuthorizedKeysError.self) { try AuthorizedKeys(files: ["admin": missing]) }
        #expect(error?.file == missing)
        #expect(error?.description.contains(missing) == true)
        #expect(throws: AuthorizedKeysError(file: directory.path, reason: .notARegularFile)) {
            try AuthorizedKeys(files: ["admin": directory.path])
        }
    }

    @Test("A file that is not UTF-8 text is refused")
    func binaryRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("k")
        try Data([0x73, 0x73, 0x68, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: path))
        #expect(throws: AuthorizedKeysError(file: path, reason: .notText)) { try AuthorizedKeys(files: ["admin": path]) }
    }
}
