import Foundation
import ManholeTesting
import Testing

/// The real `manhole-client` binary against a real manhole: `-c`, scripts on standard input,
/// `--json`, exit codes, and failures to connect.
@Suite("manhole-client as a process")
struct ClientProcessTests {
    @Test("-c runs each command in order, prints the replies and exits 0")
    func commandsRunInOrder() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "whoami", "-c", "inspect app.config.port"])
        #expect(run.status == 0, "stderr: \(run.error)")
        let lines = run.outputLines
        #expect(Array(lines.prefix(2)) == ["user     admin", "role     admin"])
        #expect(lines.dropFirst(2).first.map { $0.hasPrefix("session  ") && Int($0.dropFirst(9)) != nil } == true)
        #expect(lines.contains("app.config.port: Int = 8080"))
        #expect(run.error.isEmpty)
    }

    @Test("A failing command prints the server's message on stderr, the others still run, and the exit code is 1")
    func failingCommandExitsOne() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "inspect app.nothing", "-c", "whoami"])
        #expect(run.status == 1)
        #expect(run.error.contains("error:"))
        #expect(run.error.contains("nothing"))
        #expect(run.output.contains("user     admin\nrole     admin"))
    }

    @Test("Without -c and with stdin not a terminal, commands are read line by line; blanks and # comments are skipped")
    func scriptOnStandardInput() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let script = "# a script\nwhoami\n\n   inspect app.name   \r\nls"
        let run = try runClient(["-p", "\(server.port)", "-u", "admin"], input: script)
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("user     admin\nrole     admin"))
        #expect(run.output.contains("app.name: String = \"fixture\""))
        #expect(run.output.contains("FixtureApp"))
    }

    @Test("quit ends a script: later lines are not sent, and the exit code is 0")
    func quitEndsTheScript() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin"], input: "whoami\nquit\nbogus\n")
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("bye"))
        #expect(!run.error.contains("bogus"))
    }

    @Test("--json prints one JSON object per reply per line, with the command, ok and the server's JSON")
    func jsonLines() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "--json", "-c", "whoami", "-c", "bogus", "-c", "ls"])
        #expect(run.status == 1)
        let objects = try run.outputLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
        }
        try #require(objects.count == 3)
        #expect(objects[0]["command"] as? String == "whoami")
        #expect(objects[0]["ok"] as? Bool == true)
        #expect((objects[0]["reply"] as? [String: Any])?["user"] as? String == "admin")
        #expect(objects[1]["command"] as? String == "bogus")
        #expect(objects[1]["ok"] as? Bool == false)
        #expect(((objects[1]["reply"] as? [String: Any])?["error"] as? String)?.contains("unknown command") == true)
        #expect(objects[2]["ok"] as? Bool == true)
        #expect(!run.output.contains("\u{1B}["))
    }

    @Test("A wrong password exits 2 with the server's refusal on stderr")
    func wrongPasswordExitsTwo() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(
            ["-p", "\(server.port)", "-u", "admin", "-c", "whoami"], environment: clientEnvironment(password: "not the password"))
        #expect(run.status == 2)
        #expect(run.error.contains("manhole-client: login failed: authentication failed"))
        #expect(run.output.isEmpty)
    }

    @Test("--password-stdin takes the first line of standard input, and the rest are commands")
    func passwordFromStandardInput() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(
            ["-p", "\(server.port)", "-u", "viewer", "--password-stdin"], input: viewerPassword + "\nwhoami\ncancel 1\n",
            environment: clientEnvironment(password: nil))
        #expect(run.status == 1, "cancel is admin-only: \(run.error)")
        #expect(run.output.contains("user     viewer\nrole     read-only"))
        #expect(run.error.contains("error:"))
    }

    @Test("Without a terminal, MANHOLE_PASSWORD or --password-stdin the client says what to do and exits 2")
    func noPasswordExitsTwo() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(["-p", "\(server.port)", "-c", "whoami"], environment: clientEnvironment(password: nil))
        #expect(run.status == 2)
        #expect(run.error.contains("MANHOLE_PASSWORD"))
        #expect(run.error.contains("--password-stdin"))
    }

    @Test("The user defaults to $USER")
    func userFromEnvironment() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let run = try runClient(
            ["-p", "\(server.port)", "-c", "whoami"],
            environment: clientEnvironment(password: viewerPassword, extra: ["USER": "viewer"]))
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("user     viewer\nrole     read-only"))
    }

    @Test("No server on the port: exit 2 with a 'cannot connect' message")
    func serverGoneExitsTwo() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let port = server.port
        server.stop()
        let run = try runClient(["-p", "\(port)", "-c", "whoami"])
        #expect(run.status == 2)
        #expect(run.error.contains("manhole-client: cannot connect to 127.0.0.1:\(port)"))
    }

    @Test("A connection lost mid-session is reported once on stderr, and the exit code is 2")
    func lostConnectionReportedOnce() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let input = Pipe()
        let process = Process()
        process.executableURL = try clientExecutable()
        process.arguments = ["-p", "\(server.port)", "-u", "admin", allowWeakServerParameters]
        process.environment = clientEnvironment()
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        input.fileHandleForWriting.write(Data("whoami\n".utf8))
        #expect(eventually { ((try? String(contentsOf: outputURL, encoding: .utf8)) ?? "").contains("user     admin\nrole     admin") })
        server.stop()
        input.fileHandleForWriting.write(Data("ls\nwhoami\n".utf8))
        try input.fileHandleForWriting.close()
        #expect(eventually(within: .seconds(60)) { !process.isRunning })
        process.waitUntilExit()

        let errors = try String(contentsOf: errorURL, encoding: .utf8)
        #expect(process.terminationStatus == 2)
        #expect(errors.components(separatedBy: "connection lost").count == 2, "once: \(errors)")
        #expect(errors.contains("manhole-client: connection lost:"))
    }

    @Test("--help documents the exit codes")
    func helpDocumentsExitCodes() throws {
        let run = try runClient(["--help"])
        #expect(run.status == 0)
        #expect(run.output.contains("EXIT CODES"))
        #expect(run.output.contains("2  no connection"))
        #expect(run.output.contains("--password-stdin"))
    }
}
