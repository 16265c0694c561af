import Dispatch
import Foundation
import ManholeTesting
import ManholeWire
import NIOConcurrencyHelpers
import Testing

@testable import Manhole

/// The interrupt request against a command that is still running (docs/protocol.md): the
/// command is answered `ERR interrupted…` at once, the interrupt's answer says what it stopped.
@Suite("interrupt stops a running command")
struct InterruptCommandTests {
    @Test("The interrupt line is known with blanks around it, in text or JSON; other lines are not it")
    func interruptLineIsTrimmed() {
        #expect(SessionHandler.interruptFormat(.line("interrupt")) == .text)
        #expect(SessionHandler.interruptFormat(.line("  interrupt\t")) == .text)
        #expect(SessionHandler.interruptFormat(.line("\u{00A0}interrupt ")) == .text)
        #expect(SessionHandler.interruptFormat(.line(" @json interrupt  ")) == .json)
        for line in ["interrupts", "inter rupt", "@json  interrupt", "interrupt now", "", "   "] {
            #expect(SessionHandler.interruptFormat(.line(line)) == nil, "\(line.debugDescription)")
        }
    }

    @Test("A host command awaiting for a minute is answered 'interrupted' at once and its task is cancelled")
    func stopsAsyncCommand() throws {
        let server = try TestServer()
        let started = DispatchSemaphore(value: 0)
        let cancelled = NIOLockedValueBox(false)
        try server.manhole.addCommand("wait-a-minute", help: "waits 60 s") { _ in
            started.signal()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.withLockedValue { $0 = true }
                throw error
            }
            return "waited"
        }
        let session = try server.connect()
        try session.socket.write("wait-a-minute\n")
        #expect(started.wait(timeout: .now() + 10) == .success)
        let began = ContinuousClock.now
        try session.sendInterrupt()
        let command = try session.readFrame()
        #expect(command.kind == .error && command.payload.hasPrefix("interrupted: the command's work was told to stop"), "\(command)")
        let answer = try session.readFrame()
        #expect(answer.kind == .ok && answer.sequence == command.sequence + 1, "\(answer)")
        #expect(answer.payload == "interrupted: stopped the running command 'wait-a-minute'\n", "\(answer)")
        #expect(ContinuousClock.now - began < .seconds(30), "answered long before the minute")
        #expect(eventually { cancelled.withLockedValue { $0 } })
        #expect(try session.run("whoami").kind == .ok)
    }

    @Test("A command waiting for a wedged reactor is called off and never runs; the session serves on")
    func stopsCommandWaitingForReactor() throws {
        let server = try TestServer { $0.reactorWaitLimit = .seconds(60) }
        let ran = NIOLockedValueBox(false)
        try server.manhole.addCommand("mark", help: "marks that it ran") { _ in
            ran.withLockedValue { $0 = true }
            return "ran"
        }
        // A host body holds the reactor thread until released.
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        let wedge = server.reactor.runInReactor {
            holding.signal()
            release.wait()
            return 0
        }
        #expect(holding.wait(timeout: .now() + 10) == .success)
        let session = try server.connect()
        try session.socket.write("@json mark\n")
        // The line is read and waits for the reactor before the interrupt is sent.
        #expect(eventually { server.manhole.sessions.contains { $0.lastCommand == "mark" } })
        try session.sendInterrupt()
        let command = try session.readFrame()
        #expect(command.kind == .error && command.payload.contains("called off before the reactor took it up"), "\(command)")
        let answer = try session.readFrame()
        #expect(answer.payload == "interrupted: stopped the running command 'mark'\n", "\(answer)")
        release.signal()
        _ = try wedge.wait(timeout: .seconds(10))
        #expect(try session.run("whoami").kind == .ok)
        // The reactor is free and has run whatever was queued: the called-off command was not.
        _ = try server.reactor.waitFor(timeout: .seconds(10)) { 0 }
        #expect(!ran.withLockedValue { $0 })
    }

    @Test("JSON: the interrupt's answer names the command it stopped")
    func jsonAnswer() throws {
        let server = try TestServer()
        let started = DispatchSemaphore(value: 0)
        try server.manhole.addCommand("wait-a-minute", help: "waits 60 s") { _ in
            started.signal()
            try await Task.sleep(for: .seconds(60))
            return "waited"
        }
        let session = try server.connect()
        try session.socket.write("wait-a-minute\n")
        #expect(started.wait(timeout: .now() + 10) == .success)
        try session.socket.write("@json interrupt\n")
        _ = try session.readFrame()
        let answer = try session.readFrame()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.payload.utf8)) as? [String: Any])
        #expect(object["interrupted"] as? Bool == true && object["stoppedCommand"] as? String == "wait-a-minute", "\(object)")
    }
}
