import Crypto
import Foundation
import ManholeSSH
import NIOSSH
import NIOConcurrencyHelpers
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("SSH host key")
struct SSHHostKeyTests {
    /// The file's `st_mode` (type and permission bits), read without following a link.
    private func mode(of path: String) -> UInt32? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode)
    }

    @Test("A missing host key file is created with mode 0600, and read back as the same key")
    func createdThenLoaded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("host_key")
        let created = try SSHHostKey.loadOrCreate(at: path)
        #expect(mode(of: path) == UInt32(S_IFREG) | 0o600)
        let loaded = try SSHHostKey.loadOrCreate(at: path)
        #expect(loaded.publicKey == created.publicKey)
        #expect(loaded.fingerprint == created.fingerprint)
        // The temporary file it was written through is gone.
        #expect(try directory.names() == ["host_key"])
    }

    @Test("Listeners that create the same host key file at once all get the one key it holds")
    func concurrentCreation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("host_key")
        let keys = NIOLockedValueBox<[Result<NIOSSHPublicKey, SSHHostKeyError>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let result = Result { () throws(SSHHostKeyError) in try SSHHostKey.loadOrCreate(at: path).publicKey }
            keys.withLockedValue { $0.append(result) }
        }
        let stored = try SSHHostKey.loadOrCreate(at: path).publicKey
        for result in keys.withLockedValue({ $0 }) { #expect(try result.get() == stored) }
        #expect(try directory.names() == ["host_key"])
    }

    @Test("The key file is the header line and the raw private key in base64")
    func fileFormat() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = Curve25519.Signing.PrivateKey()
        let path = try directory.write(
            "manhole-ssh-host-key-ed25519\n\(key.rawRepresentation.base64EncodedString())\n", to: "host_key")
        let loaded = try SSHHostKey.loadOrCreate(at: path)
        #expect(loaded.publicKey == SSHHostKey(ed25519: key).publicKey)
    }

    @Test("A host key file that group or others may read is refused, naming the path and the mode")
    func openModeRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("host_key")
        _ = try SSHHostKey.loadOrCreate(at: path)
        for mode in [0o644, 0o640, 0o604, 0o620] {
            #expect(chmod(path, mode_t(mode)) == 0)
            let error = #expect(throws: SSHHostKeyError.self) { try SSHHostKey.loadOrCreate(at: path) }
            #expect(error == .unsafeMode(path: path, mode: UInt32(mode)))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("0" + String(mode, radix: 8)) == true)
        }
    }

    @Test("A host key path that is a symbolic link is refused, even to a good key file")
    func symbolicLinkRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.file("real_key")
        _ = try SSHHostKey.loadOrCreate(at: target)
        let link = directory.file("host_key")
        #expect(symlink(target, link) == 0)
        #expect(throws: SSHHostKeyError.symbolicLink(path: link)) { try SSHHostKey.loadOrCreate(at: link) }
        // A dangling link is not created through either.
        let dangling = directory.file("dangling")
        #expect(symlink(directory.file("nothing"), dangling) == 0)
        #expect(throws: SSHHostKeyError.symbolicLink(path: dangling)) { try SSHHostKey.loadOrCreate(at: dangling) }
        #expect(mode(of: directory.file("nothing")) == nil)
    }

    @Test("A malformed host key file is refused and left as it is", arguments: [
        "garbage",
        "",
        "manhole-ssh-host-key-ed25519\n",
        "manhole-ssh-host-key-ed25519\nnot base64!\n",
        "manhole-ssh-host-key-ed25519\n\(Data(repeating: 7, count: 31).base64EncodedString())\n",
        "manhole-ssh-host-key-ed25519\n\(Data(repeating: 7, count: 32).base64EncodedString())\nmore\n",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n\(Data(repeating: 7, count: 32).base64EncodedString())\n",
    ])
    func malformedRefused(contents: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(contents, to: "host_key")
        let error = #expect(throws: SSHHostKeyError.self) { try SSHHostKey.loadOrCreate(at: path) }
        guard case .malformed(let reported, _) = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
    }

    @Test("A directory at the host key path is refused")
    func directoryRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: SSHHostKeyError.notARegularFile(path: directory.path)) { try SSHHostKey.loadOrCreate(at: directory.path) }
    }

    @Test("A host key that cannot be created says where")
    func uncreatable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("missing/host_key")
        let error = #expect(throws: SSHHostKeyError.self) { try SSHHostKey.loadOrCreate(at: path) }
        guard case .uncreatable(let reported, _) = error else {
            Issue.record("expected .uncreatable, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
    }

    @Test("Generated keys differ, and a key handed over keeps its public half")
    func inMemory() {
        #expect(SSHHostKey.generated().publicKey != SSHHostKey.generated().publicKey)
        let key = Curve25519.Signing.PrivateKey()
        #expect(SSHHostKey(ed25519: key).publicKey == NIOSSHPrivateKey(ed25519Key: key).publicKey)
    }

    @Test("The fingerprint is SHA256: and the unpadded base64 of the SHA-256 of the key's wire blob")
    func fingerprintFormat() {
        let key = Curve25519.Signing.PrivateKey()
        // The wire blob built by hand (RFC 8709): string "ssh-ed25519", string of the 32-byte key.
        func sshString(_ bytes: [UInt8]) -> [UInt8] {
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init) + bytes
        }
        let blob = sshString(Array("ssh-ed25519".utf8)) + sshString(Array(key.publicKey.rawRepresentation))
        var expected = Data(SHA256.hash(data: blob)).base64EncodedString()
        while expected.hasSuffix("=") { expected.removeLast() }
        let fingerprint = SSHHostKey(ed25519: key).fingerprint
        #expect(fingerprint == "SHA256:" + expected)
        #expect(fingerprint.count == "SHA256:".count + 43)
    }

    @Test("The fingerprint is the one ssh-keygen -lf prints", .enabled(if: executableOnPath("ssh-keygen") != nil))
    func fingerprintMatchesSSHKeygen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = SSHHostKey.generated()
        let path = try directory.write(String(openSSHPublicKey: key.publicKey) + " test-host\n", to: "host_key.pub")
        let result = try run(try #require(executableOnPath("ssh-keygen")), ["-l", "-E", "sha256", "-f", path])
        #expect(result.status == 0)
        // "256 SHA256:… test-host (ED25519)"
        let fields = result.output.split(separator: " ")
        #expect(fields.count >= 2)
        #expect(fields.dropFirst().first.map(String.init) == key.fingerprint)
    }
}
