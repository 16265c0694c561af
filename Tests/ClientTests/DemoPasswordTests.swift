import Foundation
import ManholeTesting
import Manhole
import ManholeClient
import ManholeWire
import Testing

/// The demo host's generated password, without a terminal: never on standard output or error
/// (where logs collect it), but in a new 0600 file whose path is printed.
@Suite("The demo's generated password")
struct DemoPasswordTests {
    @Test("Without MANHOLE_PASSWORD and a terminal, the password goes to a 0600 file that logs in (removed at exit), never to stdout or stderr")
    func passwordInPrivateFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try ChildProcess.launch(
            try siblingExecutable(named: "manhole-demo"), arguments: ["--port", "0", "--user", "admin"],
            environment: ["PATH": "/usr/bin:/bin", "TMPDIR": directory.path], mergingStandardError: true)
        defer { demo.kill() }
        let listening = try #require(
            demo.firstLine(startingWith: "connect with: manhole-client -p ", within: .seconds(60)), "output: \(demo.output)")
        let port = try #require(Int(listening.dropFirst("connect with: manhole-client -p ".count).prefix { $0.isNumber }))
        let announced = try #require(
            demo.firstLine(startingWith: "manhole-demo: no terminal: the generated password for admin is in "), "output: \(demo.output)")
        let path = "\(directory.path)/manhole-demo-password-\(demo.processIdentifier)"
        #expect(announced.contains(path), "\(announced)")

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let password = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(password.count == 20)
        let connection = try ManholeConnection(port: port, timeout: .seconds(30))
        #expect(try connection.login(user: "admin", password: password).line.hasPrefix("user=admin role=admin"))
        connection.close()

        demo.kill()
        _ = demo.waitForExit(within: .seconds(30))
        #expect(!demo.output.contains(password), "the password reached stdout or stderr: \(demo.output)")
        #expect(!FileManager.default.fileExists(atPath: path), "a clean stop removes the file")
    }
}
