import Foundation
import ManholeTesting
import Testing
import Reactor

@Suite("Setup and process exit")
struct SetupTests {
    @Test("setup from many threads at once starts one reactor and returns it to all")
    func setupOnce() throws {
        let reactors = onThreads(8) { _ in ObjectIdentifier(Reactor.setup()) }
        #expect(Set(reactors).count == 1)
        let shared = try #require(Reactor.current)
        #expect(ObjectIdentifier(shared) == reactors[0])
        #expect(try shared.waitFor(timeout: hangGuard) { shared.isReactorThread })
    }

    @Test("A process whose main thread returns while threads wait in waitFor exits promptly; waiters get reactorStopped and hooks run")
    func processExit() throws {
        let output = try runProbe("waiters")
        #expect(output.status == 0)
        #expect(output.text.contains("ready: 3 waiting"))
        #expect(output.text.contains("waiter interrupted: the reactor has stopped"))
        #expect(output.text.contains("hook: 3 waiters interrupted"))
        #expect(!output.text.contains("waiter returned"))
    }

    @Test("noSetup attaches the process-wide reactor to the host's loop; setup then returns it")
    func noSetupInChild() throws {
        let output = try runProbe("nosetup")
        #expect(output.status == 0)
        #expect(output.text.contains("setup returns the attached reactor: true"))
        #expect(output.text.contains("body ran on the host loop: true"))
        #expect(output.text.contains("host loop alive after stop: true"))
    }
}

/// Runs the `reactor-exit-probe` fixture (built beside the test bundle) and returns its status and
/// output (standard error included).
func runProbe(_ mode: String) throws -> (status: Int32, text: String) {
    let probe = try ChildProcess.launch(
        siblingExecutable(named: "reactor-exit-probe"), arguments: [mode], mergingStandardError: true)
    guard probe.waitForExit(within: .seconds(60)) else {
        probe.kill()
        throw ProbeHung(mode: mode)
    }
    return (probe.status, probe.output)
}

struct ProbeHung: Error { var mode: String }
