import Foundation
import ManholeTesting
import ManholeSSH
import Testing

/// Stock `ssh` against the SSH listener, without a pty: password logins, exec requests with
/// their exit status, a script on standard input, and what is refused.
@Suite("ssh: exec and script")
struct SSHExecTests {
    @Test("ssh with the password runs an exec command: its reply on standard output, exit status 0")
    func execSucceeds() throws {
        let (server, ssh) = try sshServer(namespace: ["app": ["port": 8080]])
        defer { ssh.stop(); server.stop() }
        let run = try runSSH(port: ssh.port, ["whoami"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("admin"), "\(run.output)")
    }

    @Test("A command error exits 1 with the error on standard error; the session keeps nothing open")
    func execFails() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let run = try runSSH(port: ssh.port, ["inspect no.such.path"])
        #expect(run.status == 1, "\(run.output) \(run.error)")
        #expect(run.error.contains("error: "), "\(run.error)")
        #expect(eventually { server.manhole.sessions.isEmpty })
    }

    @Test("A wrong password is refused: ssh exits non-zero and the failure is throttled like a native one")
    func wrongPassword() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let run = try runSSH(port: ssh.port, login: .password("not the password"), options: ["-o", "NumberOfPasswordPrompts=1"], ["whoami"])
        #expect(run.status != 0)
        #expect(!run.output.contains("admin"))
    }

    @Test("Without a pty, standard input is a script: each line runs in turn, the exit status is 1 if one failed")
    func script() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let good = try runSSH(port: ssh.port, options: ["-T"], input: "whoami\nhelp whoami\n")
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("admin") && good.output.contains("usage: whoami"), "\(good.output)")
        let bad = try runSSH(port: ssh.port, options: ["-T"], input: "whoami\nno-such-command\nwhoami\n")
        #expect(bad.status == 1, "\(bad.output) \(bad.error)")
        #expect(bad.error.contains("no-such-command"), "\(bad.error)")
    }

    @Test("Stopping the manhole closes its SSH listener too: ssh is then refused")
    func stopsWithTheManhole() throws {
        let (server, ssh) = try sshServer()
        #expect(try runSSH(port: ssh.port, ["whoami"]).status == 0)
        server.manhole.stop()
        let after = try runSSH(port: ssh.port, ["whoami"])
        #expect(after.status == 255, "\(after.output) \(after.error)")
        #expect(after.error.contains("Connection refused"), "\(after.error)")
        ssh.stop()
        server.stop()
    }

    @Test("Port forwarding and subsystems are refused; the shell still serves")
    func refusals() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let sftp = try runSSH(port: ssh.port, options: ["-s"], ["sftp"])
        #expect(sftp.status != 0)
        #expect(sftp.error.contains("subsystem 'sftp' is not served") || sftp.error.contains("subsystem request failed"), "\(sftp.error)")
        // A remote forward needs the server's consent, which it refuses.
        let remote = try runSSH(port: ssh.port, options: ["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:\(server.port)"], ["whoami"])
        #expect(remote.status != 0, "\(remote.output)")
        #expect(remote.error.contains("forwarding failed"), "\(remote.error)")
        #expect(try runSSH(port: ssh.port, ["whoami"]).status == 0)
    }
}

/// Public-key logins and roles over SSH.
@Suite("ssh: keys and roles")
struct SSHKeyTests {
    /// A fresh Ed25519 key pair made by `ssh-keygen` in `directory`; returns the private key's path.
    private func makeKey(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("id_ed25519").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return path
    }

    @Test("A key in the user's authorized keys logs in; another key is refused")
    func keyLogin() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let allowed = try makeKey(in: directory.appendingPathComponent("a", isDirectory: true).creatingDirectory())
        let other = try makeKey(in: directory.appendingPathComponent("b", isDirectory: true).creatingDirectory())
        let authorized = directory.appendingPathComponent("authorized_keys")
        try FileManager.default.copyItem(atPath: allowed + ".pub", toPath: authorized.path)
        let (server, ssh) = try sshServer(authorizedKeysFiles: ["admin": authorized.path])
        defer { ssh.stop(); server.stop() }
        let good = try runSSH(port: ssh.port, login: .key(path: allowed), ["whoami"])
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("admin"), "\(good.output)")
        let bad = try runSSH(port: ssh.port, login: .key(path: other), ["whoami"])
        #expect(bad.status != 0)
        #expect(bad.error.contains("Permission denied"), "\(bad.error)")
    }

    @Test("A read-only user logs in with its password and is refused a command that changes the process")
    func readOnlyRefused() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        try server.manhole.addCommand("pause-jobs", help: "changes the process") { _ in "paused" }
        let run = try runSSH(port: ssh.port, user: "viewer", login: .password(viewerPassword), ["pause-jobs"])
        #expect(run.status == 1, "\(run.output) \(run.error)")
        #expect(run.error.contains("permission denied"), "\(run.error)")
        #expect(!run.output.contains("paused"))
    }
}

extension URL {
    /// Creates this directory (and its parents); returns it.
    fileprivate func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
