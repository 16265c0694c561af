import ManholeTesting
import ManholeWire
import Logging
import Testing
@testable import Manhole
import ManholeClient

/// The shell on its own: lines in, frames out, no connection. The server is only there for its
/// environment (reactor, inspector, commands); nothing connects to it.
@Suite("The shell without a transport")
struct ShellDispatchTests {
    private let admin = Shell.Caller(user: "admin", role: .admin, sessionID: 1)
    private let viewer = Shell.Caller(user: "viewer", role: .readOnly, sessionID: 2)
    private let logger = Logger(label: "test.shell")

    /// Dispatches `line` on the sessions' loop (where sessions run it) and returns the answer,
    /// waiting for a command that runs.
    private func frame(_ shell: Shell, _ line: InboundLine, caller: Shell.Caller, sequence: Int = 9) async -> Shell.Answer {
        await withCheckedContinuation { continuation in
            shell.environment.eventLoop.execute { [logger] in
                let dispatch = shell.dispatch(line, sequence: sequence, caller: caller, logger: logger) { completion in
                    continuation.resume(returning: shell.finish(completion, logger: logger))
                }
                if case .answered(let frame) = dispatch {
                    continuation.resume(returning: Shell.Answer(frame: frame, closesSession: false))
                }
            }
        }
    }

    @Test("A read-only user is refused a command that changes the process, before it runs")
    func readOnlyRefused() async throws {
        let server = try TestServer()
        let shell = Shell(environment: server.manhole.environment)
        let answer = await frame(shell, .line("cancel 1"), caller: viewer)
        #expect(
            answer.frame
                == Frame(.error, sequence: 9, payload: "permission denied: 'cancel' changes the process and user 'viewer' is read-only\n"))
        #expect(server.manhole.sessions.isEmpty, "nothing was recorded for a session that does not exist")
    }

    @Test("@json applies to every answer: errors become {\"error\": …}, an empty line null, a command its JSON form")
    func jsonPrefix() async throws {
        let server = try TestServer()
        let shell = Shell(environment: server.manhole.environment)
        let unknown = await frame(shell, .line("@json nosuchcommand"), caller: admin)
        #expect(unknown.frame.kind == .error && unknown.frame.format == .json)
        #expect(unknown.frame.payload.hasPrefix("{\"error\":\"unknown command 'nosuchcommand'."))
        #expect(await frame(shell, .line("@json"), caller: admin).frame == Frame(.ok, sequence: 9, format: .json, payload: "null"))
        #expect(await frame(shell, .line(""), caller: admin).frame == Frame(.ok, sequence: 9, payload: ""))
        let whoami = await frame(shell, .line("@json whoami"), caller: admin, sequence: 3)
        #expect(whoami.frame.kind == .ok && whoami.frame.format == .json && whoami.frame.sequence == 3)
        #expect(whoami.frame.payload.contains("\"user\":\"admin\""), "\(whoami.frame.payload)")
        let quit = await frame(shell, .line("quit"), caller: admin)
        #expect(quit.closesSession)
    }

    @Test("A line the decoder refused is answered with its problem; a dangling quote with the parser's")
    func badLines() async throws {
        let server = try TestServer()
        let shell = Shell(environment: server.manhole.environment)
        #expect(
            await frame(shell, .invalidUTF8, caller: admin).frame
                == Frame(.error, sequence: 9, payload: InboundLine.invalidUTF8.problem! + "\n"))
        let quote = await frame(shell, .line("inspect \"app"), caller: admin).frame
        #expect(quote.kind == .error && quote.payload.hasPrefix("cannot read the command: "))
    }

    @Test("A text reply over the limit is cut on a character boundary with a marker; a JSON one becomes an error object")
    func truncation() {
        let text = String(repeating: "é", count: 10)  // 20 bytes
        #expect(ShellFrames.bounded(text, json: false, limit: 20) == text)
        #expect(ShellFrames.bounded(text, json: false, limit: 5) == "éé\n… output truncated: 4 of 20 bytes shown\n")
        #expect(
            ShellFrames.bounded("[1,2,3]", json: true, limit: 3) == "{\"error\":\"reply of 7 bytes exceeds the limit of 3 bytes\"}")
    }

    @Test("Frames leave terminal-safe: controls in text are escaped, C1 and bidi controls in JSON become \\u escapes")
    func terminalSafety() {
        let text = ShellFrames.wireText(Frame(.error, sequence: 1, payload: "bad \u{1B}[2J name\n"))
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(text.hasPrefix("ERR 1 "))
        let json = ShellFrames.wireText(Frame(.ok, sequence: 1, format: .json, payload: "\"a\u{202E}b\u{85}\""))
        #expect(json == "OK 1 16 json\n\"a\\u202Eb\\u0085\"\n")
    }
}
