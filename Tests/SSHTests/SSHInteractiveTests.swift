import Foundation
import ManholeTesting
import ManholeSSH
import Testing

/// Stock `ssh` with a pty, in a real terminal (tmux): the server edits the line.
@Suite("ssh: the interactive shell")
struct SSHInteractiveTests {
    /// `ssh` (through sshpass) into `port` in a tmux pane; waits for the prompt.
    private func startSSH(port: Int) throws -> TmuxTerminal {
        let command = "sshpass -e ssh -tt -p \(port) -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
            + "-o LogLevel=ERROR -o PreferredAuthentications=password -o PubkeyAuthentication=no admin@127.0.0.1; echo \"SSH-EXITED $?\""
        let terminal = try TmuxTerminal(command: command, environment: ["SSHPASS": adminPassword, "HOME": NSTemporaryDirectory()])
        try #require(terminal.waitFor("admin@manhole> "), "no prompt: \(terminal.screen())")
        return terminal
    }

    @Test("Typing a command runs it; Up brings it back; Tab completes a command's name; Ctrl-D ends with status 0")
    func editsRunsAndCompletes() throws {
        let (server, ssh) = try sshServer(namespace: ["app": ["port": 8080]])
        defer { ssh.stop(); server.stop() }
        let terminal = try startSSH(port: ssh.port)
        try terminal.type("whoami")
        try terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("role") && $0.components(separatedBy: "admin@manhole> ").count >= 3 }, "\(terminal.screen())")
        try terminal.press("Up")
        #expect(terminal.waitFor { _ in terminal.lastLine.hasSuffix("admin@manhole> whoami") }, "\(terminal.screen())")
        try terminal.press("C-u")
        try terminal.type("insp")
        try terminal.press("Tab")
        #expect(terminal.waitFor { _ in terminal.lastLine.hasSuffix("admin@manhole> inspect ") }, "\(terminal.screen())")
        try terminal.type("app")
        try terminal.press("Enter")
        #expect(terminal.waitFor("8080"), "\(terminal.screen())")
        try terminal.press("C-d")
        #expect(terminal.waitFor("SSH-EXITED 0"), "\(terminal.screen())")
    }

    @Test("A watched timer's notice prints above a half-typed line, which survives and runs")
    func noticeAboveLine() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let call = server.reactor.loopingCall(every: .milliseconds(300), name: "tick") {}
        defer { call.stop() }
        let terminal = try startSSH(port: ssh.port)
        try terminal.type("watch timer \(call.id)")
        try terminal.press("Enter")
        try #require(terminal.waitFor("watch 1: timer \(call.id) \"tick\""), "\(terminal.screen())")
        try terminal.type("whoam")
        let before = terminal.screen().components(separatedBy: "ran (run").count
        #expect(terminal.waitFor {
            $0.components(separatedBy: "ran (run").count > before + 1 && terminal.lastLine.hasSuffix("admin@manhole> whoam")
        }, "\(terminal.screen())")
        try terminal.type("i")
        try terminal.press("Enter")
        #expect(terminal.waitFor("role"), "\(terminal.screen())")
    }

    @Test("Ctrl-C while a command runs interrupts it: its error and the interrupt's answer show, the prompt comes back")
    func controlCInterrupts() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        try server.manhole.addCommand("slow", help: "answers in an hour") { _ in
            try await Task.sleep(for: .seconds(3_600))
            return "slow done"
        }
        let terminal = try startSSH(port: ssh.port)
        try terminal.type("slow")
        try terminal.press("Enter")
        #expect(eventually { server.manhole.sessions.contains { $0.lastCommand == "slow" } })
        try terminal.press("C-c")
        #expect(terminal.waitFor {
            $0.contains("interrupted: the command's work was told to stop") && $0.contains("stopped the running command 'slow'")
        }, "\(terminal.screen())")
        #expect(terminal.waitFor { _ in terminal.lastLine.trimmingCharacters(in: .whitespaces).hasSuffix("admin@manhole>") }, "\(terminal.screen())")
    }

    @Test("An SSH session idle past the idle timeout gets its goodbye and its slot is freed; typing keeps it open")
    func idleSessionEnds() throws {
        let (server, ssh) = try sshServer { $0.idleTimeout = .seconds(1) }
        defer { ssh.stop(); server.stop() }
        let terminal = try startSSH(port: ssh.port)
        // Keys, not only whole lines, are activity: 5 keys 250 ms apart span past the timeout.
        for _ in 0..<5 {
            usleep(250_000)
            try terminal.type("w")
        }
        #expect(!terminal.screen().contains("goodbye"), "\(terminal.screen())")
        #expect(terminal.waitFor("goodbye: idle for 1.0s"), "\(terminal.screen())")
        #expect(terminal.waitFor("SSH-EXITED"), "\(terminal.screen())")
        #expect(eventually { server.manhole.sessions.isEmpty })
    }

    @Test("An SSH session is in the session table; kick ends it with a goodbye and frees its slot")
    func kickEnds() throws {
        let (server, ssh) = try sshServer()
        defer { ssh.stop(); server.stop() }
        let terminal = try startSSH(port: ssh.port)
        #expect(eventually { server.manhole.sessions.count == 1 })
        let id = try #require(server.manhole.sessions.first?.id)
        let native = try server.connect()
        #expect(try native.run("sessions").payload.contains("admin"))
        #expect(try native.run("kick \(id)").kind == .ok)
        #expect(terminal.waitFor("goodbye: "), "\(terminal.screen())")
        #expect(terminal.waitFor("SSH-EXITED"), "\(terminal.screen())")
        #expect(eventually { server.manhole.sessions.count == 1 })
    }
}
