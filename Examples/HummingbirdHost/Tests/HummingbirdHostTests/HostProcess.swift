import Foundation
import Synchronization

/// The `hummingbird-host` binary running as a child process: its standard output is read by a
/// thread of its own (the lines that announce the listeners), its standard error goes to the test's.
final class HostProcess: Sendable {
    /// The password the tests start the host with.
    static let password = "integration-secret"

    private let process: Process
    private let output = Mutex(Output())
    private let changed = NSCondition()

    private struct Output {
        var text = ""
        var ended = false
    }

    /// Starts the binary built beside the tests with ports 0 and `environment` (the test
    /// password by default); ``port(of:)`` then waits for a listener's announcement.
    init(environment: [String: String] = ["MANHOLE_PASSWORD": HostProcess.password]) throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--http-port", "0", "--manhole-port", "0", "--log-level", "warning"]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        self.process = process
        let reading = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = reading.availableData
                changed.lock()
                output.withLock { output in
                    if data.isEmpty { output.ended = true } else { output.text += String(decoding: data, as: UTF8.self) }
                }
                changed.broadcast()
                changed.unlock()
                if data.isEmpty { return }
            }
        }
    }

    /// Where SwiftPM put the binary: beside the test bundle, or a level or two above it.
    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hummingbird-host")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw HostError("hummingbird-host is not built beside the tests; run `swift build --build-tests`")
    }

    /// Everything printed so far.
    var text: String { output.withLock { $0.text } }

    /// Waits (up to `limit`) until the output holds a line starting with `prefix`; returns it.
    func line(startingWith prefix: String, within limit: Duration = .seconds(60)) -> String? {
        let deadline = Date().addingTimeInterval(Double(limit.components.seconds))
        changed.lock()
        defer { changed.unlock() }
        while true {
            let (text, ended) = output.withLock { ($0.text, $0.ended) }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if ended || !changed.wait(until: deadline) { return nil }
        }
    }

    /// The port of the `NAME listening on HOST:PORT` line.
    func port(of listener: String) throws -> Int {
        guard let line = line(startingWith: "\(listener) listening on "),
            let port = line.split(separator: ":").last.flatMap({ Int($0) })
        else { throw HostError("no `\(listener) listening` line; output so far: \(text)") }
        return port
    }

    /// Sends `signal` (SIGTERM by default).
    func signal(_ signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `limit` for the process to exit; returns its status, or nil if it still runs.
    func exitStatus(within limit: Duration) -> Int32? {
        let deadline = ContinuousClock.now + limit
        // Polled, not `waitUntilExit()`, which on Linux spins its run loop at a core's worth of CPU.
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills the process if it still runs (a failed test must not leave it behind).
    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = exitStatus(within: .seconds(10))
    }
}

/// A test's precondition that did not hold.
struct HostError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
