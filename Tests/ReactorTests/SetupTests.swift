import Foundation
import Testing
@testable import Reactor

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

/// Runs the `reactor-exit-probe` fixture (built beside the test bundle) and returns its output.
func runProbe(_ mode: String) throws -> (status: Int32, text: String) {
    let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [buildDirectory, buildDirectory.deletingLastPathComponent()]
        .map { $0.appendingPathComponent("reactor-exit-probe") }
    guard let probe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw ProbeMissing(searched: candidates.map(\.path))
    }
    let process = Process()
    process.executableURL = probe
    process.arguments = [mode]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let finished = DispatchSemaphore(value: 0)
    let reader = Thread {
        process.waitUntilExit()
        finished.signal()
    }
    reader.start()
    if finished.wait(timeout: .now() + .seconds(60)) != .success {
        process.terminate()
        throw ProbeHung(mode: mode)
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

struct ProbeMissing: Error { var searched: [String] }
struct ProbeHung: Error { var mode: String }
