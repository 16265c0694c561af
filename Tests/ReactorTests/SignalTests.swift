import Foundation
import ManholeTesting
import Testing

/// `stopOnSignals()` in a real process (the `reactor-exit-probe` fixture): the signal stops the
/// reactor, wakes waiters, runs hooks in their phases, and ends the process as asked.
@Suite("Signals")
struct SignalTests {
    /// Starts the probe in `mode`, waits for its `ready` line, sends `signals` one after another
    /// (each once the line before it in `after` has appeared), and returns its status and output.
    private func signalled(_ mode: String, _ signals: [(Int32, after: String)]) throws -> (status: Int32, text: String) {
        let probe = try ChildProcess.launch(
            siblingExecutable(named: "reactor-exit-probe"), arguments: [mode], mergingStandardError: true)
        defer { if !probe.waitForExit(within: .seconds(1)) { probe.kill() } }
        for (number, line) in signals {
            guard probe.firstLine(startingWith: line) != nil else { throw ProbeHung(mode: mode) }
            kill(probe.processIdentifier, number)
        }
        guard probe.waitForExit(within: .seconds(60)) else { throw ProbeHung(mode: mode) }
        return (probe.status, probe.output)
    }

    @Test("A signal stops the reactor: beforeStop runs while it still serves, waiters get stopped, cleanup runs after; exit status 128 + signo", arguments: [
        (SIGTERM, Int32(143)), (SIGINT, Int32(130)),
    ])
    func signalStopsAndExits(signal: Int32, status: Int32) throws {
        let (exit, text) = try signalled("signal", [(signal, after: "ready")])
        #expect(exit == status)
        #expect(text.contains("beforeStop hook: stopped=false"))
        #expect(text.components(separatedBy: "waiter: the reactor has stopped").count == 3)
        #expect(text.contains("cleanup hook: 2 waiters interrupted"))
        let before = try #require(text.range(of: "beforeStop hook"))
        let cleanup = try #require(text.range(of: "cleanup hook"))
        #expect(before.lowerBound < cleanup.lowerBound)
    }

    @Test("With exitsProcess: false, main's own wait gets stopped and main returns: status 0, hooks ran")
    func signalLetsMainReturn() throws {
        let (exit, text) = try signalled("signal-return", [(SIGINT, after: "ready")])
        #expect(exit == 0)
        #expect(text.contains("main: the reactor has stopped"))
        #expect(text.contains("main returns"))
        #expect(text.contains("cleanup hook ran"))
    }

    @Test("A second signal while a hook drains exits at once with 128 + its number")
    func secondSignalExitsAtOnce() throws {
        let (exit, text) = try signalled("signal-twice", [(SIGTERM, after: "ready"), (SIGINT, after: "draining")])
        #expect(exit == 130)
        #expect(!text.contains("drained"))
    }
}
