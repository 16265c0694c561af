public import Foundation

/// What a program run to completion did: its exit status and what it wrote.
public struct ProcessRun: Sendable {
    public var status: Int32
    public var output: String
    public var error: String

    /// Standard output's non-empty lines.
    public var outputLines: [String] { output.split(separator: "\n").map(String.init) }

    /// Runs `executable` with `arguments` and exactly `environment`, `input` as its standard
    /// input, until it exits (a 60 s hang guard: then it is stopped and this throws). Its output
    /// goes through files, so a program that writes much never blocks on a full pipe.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String], input: String = ""
    ) throws -> ProcessRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin")
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        guard eventually(within: .seconds(60), { !process.isRunning }) else {
            process.terminate()
            process.waitUntilExit()
            throw ProcessRunError("\(executable.lastPathComponent) \(arguments) did not exit within 60 s")
        }
        process.waitUntilExit()
        return ProcessRun(
            status: process.terminationStatus,
            output: try String(contentsOf: outputURL, encoding: .utf8),
            error: try String(contentsOf: errorURL, encoding: .utf8))
    }
}

/// A program did not finish in time.
public struct ProcessRunError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
