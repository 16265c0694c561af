import Manhole
import ManholeClient
import ManholeWire
import Testing
@testable import manhole_client

/// A transport that answers from a script and records what was sent.
final class ScriptedTransport: CommandTransport {
    struct Lost: Error, CustomStringConvertible {
        var description: String { "the server closed the connection" }
    }

    var sent: [String] = []
    var answer: (String) throws -> Frame

    init(answer: @escaping (String) throws -> Frame) { self.answer = answer }

    func send(_ command: String, json: Bool) throws -> Frame {
        let line = (json ? "@json " : "") + command
        sent.append(line)
        return try answer(line)
    }
}

@Suite("Session")
struct SessionTests {
    func makeSession(_ transport: ScriptedTransport, mode: ReplyPrinter.Mode = .text) -> (Session, RecordingSink) {
        let sink = RecordingSink()
        return (Session(transport: transport, printer: ReplyPrinter(mode: mode, colorOutput: false, colorError: false, sink: sink)), sink)
    }

    @Test("Successful commands keep the status at 0; blank lines are not sent")
    func success() {
        let transport = ScriptedTransport { Frame(.ok, sequence: 1, payload: "ran \($0)\n") }
        let (session, sink) = makeSession(transport)
        #expect(session.run(lines: ["whoami", "", "# note", "ls"]) == .proceed)
        #expect(transport.sent == ["whoami", "ls"])
        #expect(sink.out == "ran whoami\nran ls\n")
        #expect(session.status == .success)
    }

    @Test("An error reply makes the status 1 and the next commands still run")
    func errorStatus() {
        let transport = ScriptedTransport { $0 == "bogus" ? Frame(.error, sequence: 1, payload: "unknown\n") : Frame(.ok, sequence: 1, payload: "") }
        let (session, sink) = makeSession(transport)
        #expect(session.run(lines: ["bogus", "whoami"]) == .proceed)
        #expect(transport.sent == ["bogus", "whoami"])
        #expect(session.status == .commandFailed)
        #expect(sink.err == "error: unknown\n")
    }

    @Test("quit ends the session when the server says bye")
    func quitEnds() {
        let transport = ScriptedTransport { _ in Frame(.ok, sequence: 1, payload: "bye\n") }
        let (session, _) = makeSession(transport)
        #expect(session.run(lines: ["quit", "ls"]) == .ended)
        #expect(transport.sent == ["quit"])
    }

    @Test("A lost connection is reported once, stops the lines, and makes the status 2")
    func lostOnce() {
        let transport = ScriptedTransport { _ in throw ScriptedTransport.Lost() }
        let (session, sink) = makeSession(transport)
        #expect(session.run(lines: ["ls", "whoami"]) == .lost)
        #expect(session.run("ls") == .lost)
        session.reportLoss()
        #expect(transport.sent == ["ls"])
        #expect(session.status == .connectionFailed)
        #expect(sink.err == "manhole-client: connection lost: the server closed the connection\n")
    }

    @Test("A goodbye from the server instead of a reply is a lost connection with its reason")
    func byeIsLost() {
        let transport = ScriptedTransport { _ in Frame(.bye, sequence: 0, payload: "the manhole is stopping\n") }
        let (session, sink) = makeSession(transport)
        #expect(session.run("ls") == .lost)
        #expect(sink.err == "manhole-client: connection lost: the server ended the session: the manhole is stopping\n")
    }

    @Test("--json mode sends @json commands and prints one object per reply")
    func jsonMode() {
        let transport = ScriptedTransport { _ in Frame(.ok, sequence: 1, format: .json, payload: "{\"a\":1}") }
        let (session, sink) = makeSession(transport, mode: .jsonLines)
        #expect(session.run("whoami") == .proceed)
        #expect(transport.sent == ["@json whoami"])
        #expect(sink.out == "{\"command\":\"whoami\",\"ok\":true,\"reply\":{\"a\":1}}\n")
    }

    @Test("Completion asks the server with the line before the cursor and plans from its candidates")
    func completionAsksServer() {
        let transport = ScriptedTransport { _ in Frame(.ok, sequence: 1, payload: "app.config\n") }
        let (session, _) = makeSession(transport)
        #expect(session.completion(for: "inspect app.co") == .replace(deleting: 6, inserting: "app.config"))
        #expect(transport.sent == ["complete inspect app.co"])
    }

    @Test("A connection lost during completion ends the prompt, and is reported once later")
    func completionLoss() {
        let transport = ScriptedTransport { _ in throw ScriptedTransport.Lost() }
        let (session, sink) = makeSession(transport)
        #expect(session.completion(for: "insp") == .connectionLost)
        #expect(sink.err.isEmpty)
        session.reportLoss()
        session.reportLoss()
        #expect(sink.err == "manhole-client: connection lost: the server closed the connection\n")
        #expect(session.status == .connectionFailed)
    }
}
