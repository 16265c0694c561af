import Foundation
import ManholeTesting
import Testing
@testable import manhole_client

/// A test server whose `app.name` is `name`, so that each target's answer is told apart.
private func namedServer(_ name: String, extra: [String: any Sendable] = [:]) throws -> TestServer {
    var namespace: [String: any Sendable] = ["app": FixtureApp(name: name)]
    namespace.merge(extra) { $1 }
    return try TestServer(namespace: namespace)
}

/// The port of a manhole that was started and stopped: nobody listens there any more.
private func closedPort() throws -> Int {
    let server = try TestServer(namespace: fixtureNamespace)
    let port = server.port
    server.stop()
    return port
}

/// A file holding `text`, removed with its directory by the caller.
private func file(_ text: String, in directory: URL, named name: String = "targets") throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
}

/// The real `manhole-client` binary with `--target` and `--targets` against real manholes on
/// loopback: prefixed output in the targets' order, JSON with a target field, a target that is
/// down or fails a command, and the options fan-out refuses.
@Suite("manhole-client fan-out")
struct FanOutTests {
    @Test("Three targets, one stopped: both answers prefixed in the given order, the stopped one's error line, exit 2")
    func oneStoppedTarget() throws {
        let alpha = try namedServer("alpha")
        let beta = try namedServer("beta")
        let down = try closedPort()
        let targets = ["127.0.0.1:\(beta.port)", "127.0.0.1:\(down)", "127.0.0.1:\(alpha.port)"]
        let run = try runClient(
            targets.flatMap { ["--target", $0] } + ["-u", "admin", "-c", "inspect app.name", "-c", "whoami"])
        #expect(run.status == 2, "stderr: \(run.error)")
        let lines = run.outputLines
        // Every line of every reply carries its target, and the targets come in the order given.
        #expect(lines.allSatisfy { $0.hasPrefix(targets[0] + ": ") || $0.hasPrefix(targets[2] + ": ") }, "\(lines)")
        #expect(lines.first == "\(targets[0]): app.name: String = \"beta\"")
        #expect(lines.contains("\(targets[0]): user     admin"))
        #expect(lines.contains("\(targets[0]): role     admin"))
        #expect(lines.contains("\(targets[2]): app.name: String = \"alpha\""))
        #expect(lines.contains("\(targets[2]): role     admin"))
        let firstAlpha = try #require(lines.firstIndex { $0.hasPrefix(targets[2]) })
        #expect(lines[..<firstAlpha].allSatisfy { $0.hasPrefix(targets[0]) }, "not grouped by target: \(lines)")
        #expect(run.error.contains("\(targets[1]): error: cannot connect to 127.0.0.1:\(down)"), "stderr: \(run.error)")
        #expect(!run.output.contains("\u{1B}["), "no colour off a terminal")
    }

    @Test("A target that never answers the connect (its listen queue is full) fails after --timeout; the others answer")
    func silentTarget() throws {
        let alpha = try namedServer("alpha")
        let silent = try FullListenQueue()
        let targets = ["127.0.0.1:\(silent.port)", "127.0.0.1:\(alpha.port)"]
        let run = try runClient(targets.flatMap { ["--target", $0] } + ["-u", "admin", "--timeout", "1", "-c", "inspect app.name"])
        #expect(run.status == 2, "stderr: \(run.error)")
        #expect(run.outputLines == ["\(targets[1]): app.name: String = \"alpha\""], "\(run.output)")
        #expect(run.error.contains("\(targets[0]): error: cannot connect to 127.0.0.1:\(silent.port)"), "stderr: \(run.error)")
        #expect(run.error.contains("no answer within 1 s"), "stderr: \(run.error)")
    }

    @Test("--json: every object carries its target; a target that is down is one object with ok false and the error")
    func jsonCarriesTarget() throws {
        let alpha = try namedServer("alpha")
        let down = try closedPort()
        let run = try runClient(
            ["--target", "127.0.0.1:\(alpha.port)", "--target", "127.0.0.1:\(down)", "--json",
             "-c", "inspect app.name", "-c", "bogus"])
        #expect(run.status == 2, "stderr: \(run.error)")
        let objects = try run.outputLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
        }
        try #require(objects.count == 3, "\(run.output)")
        #expect(objects.allSatisfy { $0["target"] is String })
        #expect(objects[0]["target"] as? String == "127.0.0.1:\(alpha.port)")
        #expect(objects[0]["command"] as? String == "inspect app.name")
        #expect(objects[0]["ok"] as? Bool == true)
        #expect(objects[1]["command"] as? String == "bogus")
        #expect(objects[1]["ok"] as? Bool == false)
        #expect(objects[2]["target"] as? String == "127.0.0.1:\(down)")
        #expect(objects[2]["ok"] as? Bool == false)
        #expect((objects[2]["error"] as? String)?.contains("cannot connect") == true)
        #expect(run.error.isEmpty, "stderr: \(run.error)")
    }

    @Test("A command error on one target exits 1; the other targets' answers are intact")
    func commandErrorOnOneTarget() throws {
        let alpha = try namedServer("alpha", extra: ["only": FixtureConfig()])
        let beta = try namedServer("beta")
        let alphaName = "127.0.0.1:\(alpha.port)", betaName = "127.0.0.1:\(beta.port)"
        let run = try runClient(
            ["--target", alphaName, "--target", betaName, "-c", "inspect only.workers", "-c", "inspect app.name"])
        #expect(run.status == 1, "stderr: \(run.error)")
        #expect(run.outputLines == [
            "\(alphaName): only.workers: Int = 4",
            "\(alphaName): app.name: String = \"alpha\"",
            "\(betaName): app.name: String = \"beta\"",
        ])
        let errors = run.error.split(separator: "\n")
        #expect(errors.count == 1 && errors[0].hasPrefix("\(betaName): error: "), "stderr: \(run.error)")
    }

    @Test("--targets FILE: comments and blank lines skipped, duplicates collapsed, a script on standard input runs everywhere")
    func targetsFile() throws {
        let alpha = try namedServer("alpha")
        let beta = try namedServer("beta")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = try file(
            "# the fleet\n\n  127.0.0.1:\(beta.port)  \n# alpha next\n127.0.0.1:\(alpha.port)\n127.0.0.1:\(beta.port)\n",
            in: directory)
        let run = try runClient(
            ["--targets", list.path, "--target", "127.0.0.1:\(alpha.port)"], input: "# script\ninspect app.name\n")
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.outputLines == [
            "127.0.0.1:\(alpha.port): app.name: String = \"alpha\"",
            "127.0.0.1:\(beta.port): app.name: String = \"beta\"",
        ])
    }

    @Test("A bad line in --targets exits 2 naming the file and the line, before connecting anywhere")
    func badLineInTargetsFile() throws {
        let alpha = try namedServer("alpha")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = try file("# fleet\n127.0.0.1:\(alpha.port)\n\n127.0.0.1:99999\n", in: directory)
        let run = try runClient(["--targets", list.path, "-c", "inspect app.name"])
        #expect(run.status == 2)
        #expect(run.error.contains("\(list.path):4:"), "stderr: \(run.error)")
        #expect(run.error.contains("99999"))
        #expect(run.output.isEmpty)
    }

    @Test("A target lost mid-script keeps what it answered and ends with its error line; the others are intact")
    func connectionLostOnOneTarget() throws {
        let alpha = try namedServer("alpha")
        let fake = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "inspect app.name" else { throw SupportError("no first command") }
            peer.sendFrame(.ok, sequence: sequence, "first line\n\u{1B}[31mred\u{1B}[0m\n")
            // Hangs up before answering the second command.
            _ = peer.readLine()
        }
        let fakeName = "127.0.0.1:\(fake.port)", alphaName = "127.0.0.1:\(alpha.port)"
        let run = try runClient(["--target", fakeName, "--target", alphaName, "-c", "inspect app.name", "-c", "whoami"])
        _ = try fake.finish()
        #expect(run.status == 2, "stderr: \(run.error)")
        #expect(Array(run.outputLines.prefix(2)) == ["\(fakeName): first line", "\(fakeName): \\e[31mred\\e[0m"])
        #expect(run.outputLines.contains("\(alphaName): app.name: String = \"alpha\""))
        #expect(run.outputLines.contains("\(alphaName): role     admin"))
        #expect(run.error == "\(fakeName): error: connection lost: the server closed the connection\n", "stderr: \(run.error)")
    }

    @Test("--max-reply-bytes holds for each target: one announcing more loses its connection, the others answer")
    func replyLimitPerTarget() throws {
        let alpha = try namedServer("alpha")
        let fake = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "inspect app.name" else { throw SupportError("no command") }
            peer.send(Array("OK \(sequence) 100000 text\n".utf8))
            if let line = peer.readLine() { throw SupportError("the client sent \(line) after the claim") }
        }
        let fakeName = "127.0.0.1:\(fake.port)"
        let run = try runClient(
            ["--target", fakeName, "--target", "127.0.0.1:\(alpha.port)", "--max-reply-bytes", "1000", "-c", "inspect app.name"])
        _ = try fake.finish()
        #expect(run.status == 2)
        #expect(run.outputLines == ["127.0.0.1:\(alpha.port): app.name: String = \"alpha\""])
        #expect(run.error.hasPrefix("\(fakeName): error: connection lost: the server announced a reply of 100000 bytes"), "stderr: \(run.error)")
    }

    @Test("-p, -H or --socket with --target is a usage error")
    func portWithTargetRefused() throws {
        for extra in [["-p", "5022"], ["-H", "127.0.0.1"], ["--socket", "/tmp/none.sock"]] {
            let run = try runClient(["--target", "127.0.0.1:5022", "-c", "whoami"] + extra)
            #expect(run.status == 64, "\(extra): \(run.error)")
            #expect(run.error.contains("cannot be used with --target"), "\(extra): \(run.error)")
        }
    }

    @Test("On a terminal without -c, fan-out is refused with a clear message instead of a prompt")
    func interactiveFanOutRefused() throws {
        let alpha = try namedServer("alpha")
        let client = try clientExecutable().path
        let terminal = try TmuxTerminal(
            command: "'\(client)' --target 127.0.0.1:\(alpha.port) \(allowWeakServerParameters); echo \"CLIENT-EXITED $?\"",
            environment: ["HOME": NSTemporaryDirectory(), "MANHOLE_PASSWORD": adminPassword, "NO_COLOR": "1"])
        #expect(terminal.waitFor("CLIENT-EXITED 64"), "screen: \(terminal.screen())")
        #expect(terminal.screen().contains("there is no interactive prompt for many targets"), "screen: \(terminal.screen())")
    }

    @Test("65 targets are refused before any connection; a malformed --target is refused with the reason")
    func tooManyTargetsRefused() throws {
        let many = (1...65).flatMap { ["--target", "127.0.0.1:\(40_000 + $0)"] }
        let run = try runClient(many + ["-c", "whoami"])
        #expect(run.status == 64, "stderr: \(run.error)")
        #expect(run.error.contains("65 targets: at most 64"), "stderr: \(run.error)")
        #expect(!run.error.contains("cannot connect"))
        let bad = try runClient(["--target", "::1:5022", "-c", "whoami"])
        #expect(bad.status == 64)
        #expect(bad.error.contains("[::1]:5022"), "stderr: \(bad.error)")
    }
}

/// `HOST:PORT` parsing: strict, every number checked.
@Suite("Fan-out targets")
struct FanOutTargetTests {
    @Test("Accepts IPv4, IPv6 in brackets and DNS names, with a port from 1 to 65535")
    func accepts() throws {
        let ipv4 = try FanOutTarget(parsing: "127.0.0.1:5022")
        #expect(ipv4.host == "127.0.0.1" && ipv4.port == 5022)
        #expect(try FanOutTarget(parsing: "[::1]:1").description == "[::1]:1")
        #expect(try FanOutTarget(parsing: "Db-1.Example.com:65535").description == "db-1.example.com:65535")
    }

    @Test("Refuses a missing or out-of-range port, a bad address, an unbracketed IPv6 host and control characters",
          arguments: [
              "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:99999999999999999999",
              "127.0.0.1:+80", "127.0.0.1:080", "127.0.0.1: 80", "256.0.0.1:80", "::1:80", "[::1]80", "[::1:80",
              "[fe80::1%eth0]:80", "[]:80", ":80", "-host:80", "ho_st:80", "a..b:80", "host\u{1B}[31m:80",
              "\(String(repeating: "a", count: 64)).com:80",
          ])
    func refuses(_ text: String) {
        #expect(throws: FanOutTarget.Malformed.self) { try FanOutTarget(parsing: text) }
    }

    @Test("A targets file reports the number of its first bad line; duplicates collapse in first order")
    func fileLines() throws {
        #expect(throws: TargetList.BadLine.self) { try TargetList.parse(file: "# x\n\na:1\nb\n", path: "f") }
        do {
            _ = try TargetList.parse(file: "# x\n\na:1\nb\n", path: "f")
        } catch {
            #expect(error.line == 4)
            #expect(error.description.hasPrefix("f:4: "))
        }
        let parsed = try TargetList.parse(file: "b:2\na:1\r\nB:2\n", path: "f")
        #expect(TargetList.collapsingDuplicates(parsed).map(\.description) == ["b:2", "a:1"])
    }

    @Test("Text output prefixes every line, blank ones too; JSON lines get the target first")
    func prefixing() {
        #expect(FanOutPrinter.prefixed("a\n\nb\n", with: "t: ") == "t: a\nt: \nt: b\n")
        #expect(FanOutPrinter.prefixed("a", with: "t: ") == "t: a\n")
        #expect(FanOutPrinter.withTarget("h:1", jsonLines: "{\"command\":\"ls\"}\n") == "{\"target\":\"h:1\",\"command\":\"ls\"}\n")
    }
}

/// A loopback listener that never accepts, its queue filled: the kernel drops further SYNs, so a
/// connect to it gets no answer at all (as from a host that drops packets), not a refusal.
private final class FullListenQueue {
    let port: Int
    private let listener: Int32
    private var fillers: [Int32] = []

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        try #require(bound == 0 && listen(fd, 0) == 0)
        var length = size
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        // A backlog of 0 takes one connection; a few more make sure the queue is full. Each
        // filler connects without blocking and is kept open.
        var fillers: [Int32] = []
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, size) } }
            fillers.append(filler)
        }
        usleep(100_000)
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        self.fillers = fillers
    }

    deinit {
        for filler in fillers { close(filler) }
        close(listener)
    }
}
