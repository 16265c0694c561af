public import Foundation
import NIOConcurrencyHelpers

/// A child process driven over pipes, for tests, benchmarks and the load tool: lines go to its
/// standard input, its standard output is collected as it comes (by a reader thread, so a child
/// that prints a lot never blocks on a full pipe), and its exit is awaited with a limit.
public final class ChildProcess: Sendable {
    private let process: Process
    private let input: FileHandle
    private let state = NIOLockedValueBox(Output())
    /// Signalled on every chunk of output and at its end, so that waiters re-check without polling.
    private let changed = NSCondition()
    private let exited = DispatchSemaphore(value: 0)

    private struct Output: Sendable {
        var text = ""
        /// Where ``ChildProcess/nextLine(within:)`` goes on reading.
        var consumed: String.Index?
        var isComplete = false
    }

    private init(process: Process, input: FileHandle) {
        self.process = process
        self.input = input
    }

    /// Starts `executable` with `arguments` (and `environment`, or this process's own); with
    /// `mergingStandardError`, its standard error is collected with its output, otherwise it is
    /// inherited.
    public static func launch(
        _ executable: URL, arguments: [String] = [], environment: [String: String]? = nil,
        mergingStandardError: Bool = false
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        if mergingStandardError { process.standardError = stdout }
        try process.run()
        let child = ChildProcess(process: process, input: stdin.fileHandleForWriting)
        let reading = stdout.fileHandleForReading
        // Not `waitUntilExit()`: on Linux it spins its run loop until the child exits, a core's
        // worth of CPU in this process for the child's whole life (which made the manhole's
        // budget see a busy host in every test and benchmark with a child). Nor a
        // `terminationHandler` alone. A look every 2 ms costs nothing measurable; once the child
        // has exited, `waitUntilExit()` returns at once, and must still be called: it releases the
        // run-loop source through which the process holds itself (LeakSanitizer found every
        // process leaked without it).
        Thread.detachNewThread {
            while process.isRunning { Thread.sleep(forTimeInterval: 0.002) }
            process.waitUntilExit()
            child.exited.signal()
        }
        Thread.detachNewThread {
            while true {
                let data = reading.availableData
                child.update { output in
                    if data.isEmpty { output.isComplete = true }
                    output.text += String(decoding: data, as: UTF8.self)
                }
                if data.isEmpty { break }
            }
        }
        return child
    }

    /// The child's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Everything the child has printed so far.
    public var output: String { state.withLockedValue { $0.text } }

    /// The next line (without its newline) not yet returned by this method, waiting up to `limit`
    /// for it; `nil` when the output ended first or the limit passed.
    public func nextLine(within limit: Duration = .seconds(30)) -> String? {
        waitFor(limit) { output in
            let start = output.consumed ?? output.text.startIndex
            guard let newline = output.text[start...].firstIndex(of: "\n") else { return nil }
            output.consumed = output.text.index(after: newline)
            return String(output.text[start..<newline])
        }
    }

    /// The first line of the whole output that starts with `prefix`, waiting up to `limit` for it.
    public func firstLine(startingWith prefix: String, within limit: Duration = .seconds(30)) -> String? {
        waitFor(limit) { output in output.text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) }
    }

    /// Writes `line` and a newline to the child's standard input (ignored once the child is gone).
    public func send(_ line: String) {
        try? input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the child's standard input: it reads end-of-file.
    public func closeInput() {
        try? input.close()
    }

    /// Waits up to `limit` for the child to exit and its output to end; `false` if it has not.
    public func waitForExit(within limit: Duration = .seconds(30)) -> Bool {
        let deadline = DispatchTime.now() + .nanoseconds(Int(limit / .nanoseconds(1)))
        guard exited.wait(timeout: deadline) == .success else { return false }
        exited.signal()
        return waitFor(limit) { $0.isComplete ? true : nil } ?? false
    }

    /// The exit status (once it has exited).
    public var status: Int32 { process.terminationStatus }

    /// Whether the child exited rather than being killed by a signal (once it has exited).
    public var exitedNormally: Bool { process.terminationReason == .exit }

    /// Ends the child with SIGTERM if it still runs, and waits for it.
    public func kill() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private func update(_ body: (inout Output) -> Void) {
        changed.lock()
        state.withLockedValue(body)
        changed.broadcast()
        changed.unlock()
    }

    /// Calls `attempt` whenever the output changes until it returns a value, the output has ended
    /// or `limit` passes.
    private func waitFor<R>(_ limit: Duration, _ attempt: (inout Output) -> R?) -> R? {
        let deadline = Date().addingTimeInterval(Double(limit / .milliseconds(1)) / 1000)
        changed.lock()
        defer { changed.unlock() }
        while true {
            let (found, isComplete) = state.withLockedValue { output in (attempt(&output), output.isComplete) }
            if let found { return found }
            if isComplete || !changed.wait(until: deadline) { return state.withLockedValue { attempt(&$0) } }
        }
    }
}
