import Foundation
import Testing
import ManholeTesting

/// The interactive client for real, in a pseudo-terminal (tmux): password prompt, completion,
/// history, Ctrl-C and Ctrl-D.
@Suite("manhole-client in a terminal")
struct InteractiveClientTests {
    /// Starts the client against `server` in a fresh terminal with HOME in `home`; waits for the prompt.
    func startClient(_ server: TestServer, home: URL, password: String? = adminPassword) throws -> TmuxTerminal {
        let terminal = try TmuxTerminal(
            command: try interactiveClientCommand(port: server.port),
            environment: ["HOME": home.path, "MANHOLE_PASSWORD": password ?? "", "NO_COLOR": "1"])
        if password != nil {
            try #require(terminal.waitFor("admin@manhole> "), "no prompt: \(terminal.screen())")
        }
        return terminal
    }

    @Test("The password prompt does not echo what is typed")
    func passwordIsNotEchoed() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home, password: nil)
        try #require(terminal.waitFor("password for admin@127.0.0.1:\(server.port): "), "no password prompt: \(terminal.screen())")
        try terminal.type(adminPassword)
        try terminal.press("Enter")
        #expect(terminal.waitFor("admin@manhole> "), "no prompt after the password: \(terminal.screen())")
        #expect(terminal.screen().contains("connected to 127.0.0.1:\(server.port) as admin (admin)"))
        #expect(!terminal.screen().contains(adminPassword))
        #expect(!terminal.screen().contains("correct"))
    }

    @Test("Tab completes a partial path with the server's candidates, and the completed command runs")
    func tabCompletesPath() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home)
        try terminal.type("inspect app.co")
        try terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("admin@manhole> inspect app.config") }, "\(terminal.screen())")
        try terminal.type(".w")
        try terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("admin@manhole> inspect app.config.workers") }, "\(terminal.screen())")
        try terminal.press("Enter")
        #expect(terminal.waitFor("app.config.workers: Int = 4"), "\(terminal.screen())")
    }

    @Test("Tab completes a command name, and lists the candidates when several remain")
    func tabCompletesCommandAndLists() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home)
        try terminal.type("whoa")
        try terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("admin@manhole> whoami") }, "\(terminal.screen())")
        try terminal.press("C-u")
        try terminal.type("p app.config.port")
        try terminal.press("Tab")
        #expect(
            terminal.waitFor { screen in
                screen.split(separator: "\n").contains { $0.contains("port") && $0.contains("portal") && !$0.contains("manhole>") }
            }, "\(terminal.screen())")
        // The list and the prompt redrawn below it are separate writes: wait for the prompt too.
        #expect(terminal.waitFor { _ in terminal.lastLine.hasSuffix("admin@manhole> p app.config.port") }, "\(terminal.screen())")
    }

    @Test("Up-arrow recalls the history, which is kept across sessions in a 0600 file in HOME")
    func historyPersists() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let historyFile = home.appendingPathComponent(".manhole_history")
        do {
            let terminal = try startClient(server, home: home)
            try terminal.type("inspect app.name")
            try terminal.press("Enter")
            try #require(terminal.waitFor("app.name: String = \"fixture\""), "\(terminal.screen())")
            try terminal.press("Up")
            #expect(terminal.waitFor { _ in terminal.lastLine.hasSuffix("admin@manhole> inspect app.name") }, "\(terminal.screen())")
            try terminal.press("C-u", "C-d")
            #expect(terminal.waitFor("CLIENT-EXITED 0"), "\(terminal.screen())")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: historyFile.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOf: historyFile, encoding: .utf8).contains("app.name"))

        let second = try startClient(server, home: home)
        try second.press("Up")
        #expect(second.waitFor { _ in second.lastLine.hasSuffix("admin@manhole> inspect app.name") }, "\(second.screen())")
    }

    @Test("Ctrl-C clears the line and gives a fresh prompt; the client keeps running")
    func controlCClearsTheLine() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home)
        try terminal.type("some half-typed junk")
        try terminal.press("C-c")
        #expect(terminal.waitFor { _ in terminal.lastLine == "admin@manhole>" || terminal.lastLine == "admin@manhole> " }, "\(terminal.screen())")
        try terminal.type("whoami")
        try terminal.press("Enter")
        #expect(terminal.waitFor("role     admin"), "\(terminal.screen())")
        #expect(!terminal.screen().contains("unknown command"))
        #expect(!terminal.screen().contains("CLIENT-EXITED"))
    }

    @Test("Ctrl-D on an empty line ends the client with exit status 0")
    func controlDQuits() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home)
        try terminal.press("C-d")
        #expect(terminal.waitFor("CLIENT-EXITED 0"), "\(terminal.screen())")
    }

    @Test("A failing command shows the server's message and the prompt comes back")
    func errorAtThePrompt() throws {
        let server = try TestServer(namespace: fixtureNamespace)
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let terminal = try startClient(server, home: home)
        try terminal.type("bogus")
        try terminal.press("Enter")
        #expect(terminal.waitFor("error: unknown command 'bogus'"), "\(terminal.screen())")
        #expect(terminal.waitFor { _ in terminal.lastLine.hasPrefix("admin@manhole>") }, "\(terminal.screen())")
    }
}
