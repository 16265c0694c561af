import Foundation
import ManholeTesting
import Reactor
import Synchronization
import Testing

/// Notices and interrupts in the real client: notices above the prompt without harm to the line
/// being edited (in a real terminal, tmux), between replies in scripts, Ctrl-C that interrupts
/// the running command instead of ending the client, and the user's ~/.editrc.
/// The last non-blank line of a screen: the prompt and what is typed after it.
private func lastLine(_ screen: String) -> String {
    lastLineRaw(screen).trimmingCharacters(in: .whitespaces)
}

private func lastLineRaw(_ screen: String) -> String {
    screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
}

@Suite("manhole-client: notices, Ctrl-C, ~/.editrc")
struct ClientNoticeTests {
    /// The id of a result that has already succeeded with 5: watching it brings its notice at once.
    static func finishedResult(on reactor: Reactor) -> Int {
        reactor.runInReactor {
            let deferred = reactor.makeDeferred(of: Int.self)
            deferred.succeed(5)
            return deferred
        }.stash()
    }

    /// Starts the client in a terminal with HOME in `home`; waits for the prompt.
    static func startClient(_ server: TestServer, home: URL) throws -> TmuxTerminal {
        let terminal = try TmuxTerminal(
            command: try interactiveClientCommand(port: server.port),
            environment: ["HOME": home.path, "MANHOLE_PASSWORD": adminPassword, "NO_COLOR": "1"])
        try #require(terminal.waitFor("admin@manhole> "), "no prompt: \(terminal.screen())")
        return terminal
    }

    @Test("With -c, a notice that arrives is printed after the reply it came with, prefixed 'notice: '")
    func scriptPrintsNotices() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let id = Self.finishedResult(on: server.reactor)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "-c", "watch result \(id)", "-c", "whoami"])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let notice = try #require(lines.firstIndex { $0 == "notice: watch 1: result \(id) finished" }, "\(run.output)")
        let watch = try #require(lines.firstIndex { $0.hasPrefix("watch 1: result \(id)") }, "\(run.output)")
        #expect(lines.contains { $0.hasPrefix("user ") && $0.hasSuffix(" admin") }, "\(run.output)")
        // The notice follows the watch's reply: at once when it came in the same read, else
        // after the reply during which it arrived (whoami's); never inside a reply.
        #expect(watch < notice, "\(run.output)")
        #expect(lines.count { $0.hasPrefix("notice: ") } == 1, "\(run.output)")
        #expect(run.output.contains("value: Int = 5"), "\(run.output)")
    }

    @Test("With --json, a notice is one JSON object on its own line with \"notice\": true")
    func jsonNotices() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let id = Self.finishedResult(on: server.reactor)
        let run = try runClient(["-p", "\(server.port)", "-u", "admin", "--json", "-c", "watch result \(id)", "-c", "whoami"])
        #expect(run.status == 0, "\(run.error)")
        let objects = try run.output.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
        #expect(objects.count == 3, "\(run.output)")
        let notice = try #require(objects.first { $0["notice"] as? Bool == true }, "\(run.output)")
        let payload = try #require(notice["payload"] as? [String: Any], "\(notice)")
        #expect(payload["watch"] as? Int == 1, "\(payload)")
    }

    @Test("A watched timer's notice shows above the prompt while a line is half typed; the line survives and runs")
    func noticeAbovePrompt() throws {
        let watching = try WatchingClient()
        defer { watching.end() }
        let terminal = watching.terminal
        try terminal.type("inspect app.co")
        try #require(terminal.waitFor { lastLine($0).hasSuffix("admin@manhole> inspect app.co") }, "\(terminal.screen())")
        let before = terminal.screen().components(separatedBy: "notice: watch 1: timer").count
        // A notice arrives while the line waits half typed: printed above it, the line drawn again.
        #expect(terminal.waitFor {
            $0.components(separatedBy: "notice: watch 1: timer").count > before + 1
                && lastLine($0).hasSuffix("admin@manhole> inspect app.co")
        }, "\(terminal.screen())")
        try terminal.press("Tab")
        try terminal.press("Enter")
        #expect(terminal.waitFor("workers"), "the completed line did not run: \(terminal.screen())")
        #expect(!terminal.screen().contains("CLIENT-EXITED"))
    }

    @Test("A notice above a line that wraps over three rows leaves no piece of the line behind")
    func noticeAboveWrappedLine() throws {
        let watching = try WatchingClient()
        defer { watching.end() }
        let terminal = watching.terminal
        // 15 columns of prompt and 268 of line: three rows of the 120-column pane.
        let typed = "inspect " + String(repeating: "0123456789", count: 26)
        try terminal.type(typed)
        try #require(terminal.waitFor { lastLine($0).hasSuffix(typed) }, "\(terminal.screen())")
        let before = terminal.screen().components(separatedBy: "notice: watch 1: timer").count
        #expect(terminal.waitFor {
            $0.components(separatedBy: "notice: watch 1: timer").count > before + 1 && lastLine($0).hasSuffix(typed)
        }, "\(terminal.screen())")
        // The pane joins wrapped rows (capture-pane -J): the line is on screen once, whole, last;
        // a piece left above a notice would be a second line holding digits.
        let holding = terminal.screen().split(separator: "\n").filter { $0.contains("0123456789") }
        #expect(holding.count == 1 && holding.first.map { lastLine(String($0)) } == "admin@manhole> " + typed, "\(terminal.screen())")
        try terminal.press("C-u")
        try terminal.type("whoami")
        try terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("role") }, "\(terminal.screen())")
    }

    @Test("Ctrl-C while a command runs sends 'interrupt', which stops it, and shows the answers; the client keeps running")
    func controlCInterruptsCommand() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let started = Atomic<Bool>(false)
        let cancelled = Atomic<Bool>(false)
        try server.manhole.addCommand("slow", help: "answers in an hour") { _ in
            started.store(true, ordering: .sequentiallyConsistent)
            do { try await Task.sleep(for: .seconds(3_600)) } catch {
                cancelled.store(true, ordering: .sequentiallyConsistent)
                throw error
            }
            return "slow done"
        }
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try Self.startClient(server, home: home)
        try terminal.type("slow")
        try terminal.press("Enter")
        try #require(eventually { started.load(ordering: .sequentiallyConsistent) })
        try terminal.press("C-c")
        // Ctrl-C no longer ends the client (it did: exit status 130); it sends the interrupt line,
        // which stops the command: its error and the interrupt's answer are shown.
        #expect(terminal.waitFor {
            $0.contains("interrupted: the command's work was told to stop") && $0.contains("stopped the running command 'slow'")
        }, "\(terminal.screen())")
        #expect(eventually { cancelled.load(ordering: .sequentiallyConsistent) })
        #expect(terminal.waitFor { lastLine($0).hasSuffix("admin@manhole>") }, "\(terminal.screen())")
        #expect(!terminal.screen().contains("CLIENT-EXITED"), "\(terminal.screen())")
        try terminal.type("whoami")
        try terminal.press("Enter")
        #expect(terminal.waitFor { $0.components(separatedBy: "admin@manhole>").count >= 4 }, "\(terminal.screen())")
        #expect(!terminal.screen().contains("CLIENT-EXITED"), "\(terminal.screen())")
    }

    @Test("After 'log --follow' the client shows the followed lines until Ctrl-C interrupts the follow; then the prompt returns")
    func controlCStopsFollow() throws {
        // A scripted server: the real one's `log --follow` is another branch's; this one speaks
        // the described protocol (an OK, notices, then `interrupt` answered at once).
        let server = try FakeServer { peer in
            let sequence = try peer.logIn()
            guard peer.readLine() == "log --follow" else { throw SupportError("no 'log --follow'") }
            peer.sendFrame(.ok, sequence: sequence, "following the host's log\n")
            peer.sendFrame(.notice, sequence: 0, "log: first line\n")
            guard peer.readLine() == "interrupt" else { throw SupportError("no 'interrupt'") }
            peer.sendFrame(.notice, sequence: 0, "log: last line\n")
            peer.sendFrame(.ok, sequence: sequence + 1, "interrupted: log --follow\n")
            while peer.readLine() != nil {}
        }
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try TmuxTerminal(
            command: try interactiveClientCommand(port: server.port),
            environment: ["HOME": home.path, "MANHOLE_PASSWORD": adminPassword, "NO_COLOR": "1"])
        try #require(terminal.waitFor("admin@manhole> "), "no prompt: \(terminal.screen())")
        try terminal.type("log --follow")
        try terminal.press("Enter")
        // Following: the lines show, and no prompt comes back.
        #expect(terminal.waitFor { 
            $0.contains("notice: log: first line") && $0.contains("following; Ctrl-C stops") && !lastLine($0).contains("admin@manhole")
        },
            "\(terminal.screen())")
        try terminal.press("C-c")
        #expect(terminal.waitFor { $0.contains("notice: log: last line\ninterrupted: log --follow") && lastLine($0) == "admin@manhole>" },
            "\(terminal.screen())")
        try terminal.press("C-d")
        #expect(terminal.waitFor("CLIENT-EXITED 0"), "\(terminal.screen())")
        #expect(try server.finish().suffix(2) == ["log --follow", "interrupt"])
    }

    @Test("A window resize while a line is half typed keeps the line, and the prompt goes on reading keys")
    func resizeKeepsTheLine() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try Self.startClient(server, home: home)
        try terminal.type("inspect app.co")
        try #require(terminal.waitFor { lastLine($0) == "admin@manhole> inspect app.co" }, "\(terminal.screen())")
        // SIGWINCH interrupts the wait for a key (EINTR): the prompt must go on, not end.
        try terminal.resize(columns: 90, rows: 30)
        try terminal.resize(columns: 110, rows: 35)
        try terminal.type("nfig.w")
        try terminal.press("Tab")
        try terminal.press("Enter")
        #expect(terminal.waitFor("app.config.workers: Int = 4"), "\(terminal.screen())")
        #expect(!terminal.screen().contains("CLIENT-EXITED"), "\(terminal.screen())")
    }

    @Test("~/.editrc is read: a key it binds to a string types that string")
    func editrcIsRead() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("manhole-client:bind -s ^G whoami\n".utf8).write(to: home.appendingPathComponent(".editrc"))
        let terminal = try Self.startClient(server, home: home)
        try terminal.press("C-g")
        #expect(terminal.waitFor { lastLine($0).hasSuffix("admin@manhole> whoami") }, "\(terminal.screen())")
    }
}

/// The client in a terminal, watching a looping timer that runs every 300 ms (watch 1).
private final class WatchingClient {
    let server: TestServer
    let call: LoopingCall
    let terminal: TmuxTerminal
    private let home: URL

    init() throws {
        server = try TestServer(namespace: fixtureNamespace)
        call = server.reactor.loopingCall(every: .milliseconds(300), name: "tick") {}
        home = try temporaryDirectory()
        terminal = try ClientNoticeTests.startClient(server, home: home)
        try terminal.type("watch timer \(call.id)")
        try terminal.press("Enter")
        try #require(terminal.waitFor("watch 1: timer \(call.id) \"tick\""), "\(terminal.screen())")
    }

    func end() {
        call.stop()
        try? FileManager.default.removeItem(at: home)
    }
}
