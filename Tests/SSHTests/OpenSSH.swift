import Foundation
import ManholeTesting
import Manhole
import ManholeSSH
import Testing

/// How `ssh` logs in: a password (through `sshpass`) or a private key file.
enum SSHLogin {
    case password(String)
    case key(path: String)
}

/// Runs the real OpenSSH client against `port` (60 s hang guard), with a fresh HOME and no
/// known-hosts file (the host key is new every run), `arguments` after the destination and
/// `input` as its standard input.
func runSSH(
    port: Int, user: String = "admin", login: SSHLogin = .password(adminPassword), options: [String] = [],
    _ arguments: [String] = [], input: String = ""
) throws -> ProcessRun {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: home) }
    var common = [
        "-p", "\(port)", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=10", "-F", "/dev/null",
    ]
    var environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
    let executable: String
    switch login {
    case .password(let password):
        executable = "/usr/bin/sshpass"
        environment["SSHPASS"] = password
        common = ["-e", "ssh"] + common + ["-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]
    case .key(let path):
        executable = "/usr/bin/ssh"
        common += ["-i", path, "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-o", "BatchMode=yes"]
    }
    return try ProcessRun.run(
        URL(fileURLWithPath: executable), common + options + ["\(user)@127.0.0.1"] + arguments, environment: environment, input: input)
}

/// A test server with an SSH listener on a free loopback port.
func sshServer(
    namespace: [String: any Sendable] = [:], authorizedKeysFiles: [String: String] = [:],
    configure: @escaping (inout Manhole.Configuration) -> Void = { _ in }
) throws -> (server: TestServer, ssh: SSHListener) {
    let server = try TestServer(configure: configure, namespace: namespace)
    let ssh = try server.manhole.startSSH(SSHConfiguration(port: 0, authorizedKeysFiles: authorizedKeysFiles))
    return (server, ssh)
}

