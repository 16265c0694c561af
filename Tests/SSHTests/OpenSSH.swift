import Foundation
import ManholeTesting
import ManholeSSH
import Testing

/// What a run of stock `ssh` did.
struct SSHRun {
    var status: Int32
    var output: String
    var error: String
}

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
) throws -> SSHRun {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("stdin")
    let outputURL = directory.appendingPathComponent("stdout")
    let errorURL = directory.appendingPathComponent("stderr")
    try Data(input.utf8).write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    var common = [
        "-p", "\(port)", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=10", "-F", "/dev/null",
    ]
    let process = Process()
    var environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
    switch login {
    case .password(let password):
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sshpass")
        environment["SSHPASS"] = password
        common = ["-e", "ssh"] + common + ["-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]
    case .key(let path):
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        common += ["-i", path, "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-o", "BatchMode=yes"]
    }
    process.arguments = common + options + ["\(user)@127.0.0.1"] + arguments
    process.environment = environment
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    guard eventually(within: .seconds(60), { !process.isRunning }) else {
        process.terminate()
        process.waitUntilExit()
        throw SSHTestError("ssh \(arguments) did not exit within 60 s")
    }
    process.waitUntilExit()
    return SSHRun(
        status: process.terminationStatus,
        output: try String(contentsOf: outputURL, encoding: .utf8),
        error: try String(contentsOf: errorURL, encoding: .utf8))
}

/// A test server with an SSH listener on a free loopback port.
func sshServer(
    namespace: [String: any Sendable] = [:], authorizedKeysFiles: [String: String] = [:]
) throws -> (server: TestServer, ssh: SSHListener) {
    let server = try TestServer(namespace: namespace)
    let ssh = try server.manhole.startSSH(SSHConfiguration(port: 0, authorizedKeysFiles: authorizedKeysFiles))
    return (server, ssh)
}

struct SSHTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
