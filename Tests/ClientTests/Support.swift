import Foundation
import ManholeTesting

/// What the test server's `app` entry holds: enough to complete paths.
struct FixtureApp: Sendable {
    var name = "fixture"
    var config = FixtureConfig()
}

/// `app.config`: two fields that share a prefix, for ambiguous completion.
struct FixtureConfig: Sendable {
    var port = 8080
    var portal = "https://portal.example"
    var workers = 4
}

/// The namespace of the client tests' ``TestServer``: `app` holds a ``FixtureApp``.
let fixtureNamespace: [String: any Sendable] = ["app": FixtureApp()]

/// The built `manhole-client` executable, beside the test bundle.
func clientExecutable() throws -> URL {
    try siblingExecutable(named: "manhole-client")
}

/// A failure of the test support itself.
struct SupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary directory (a HOME for the client).
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("manhole-client-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// How a client run ended.
struct ClientRun {
    var status: Int32
    var output: String
    var error: String

    /// Standard output's non-empty lines.
    var outputLines: [String] { output.split(separator: "\n").map(String.init) }
}

/// A small environment for the client: no colour surprises, a private HOME.
func clientEnvironment(password: String? = adminPassword, home: URL? = nil, extra: [String: String] = [:]) -> [String: String] {
    var environment = ["PATH": "/usr/bin:/bin", "HOME": home?.path ?? NSTemporaryDirectory(), "USER": "admin"]
    if let password { environment["MANHOLE_PASSWORD"] = password }
    environment.merge(extra) { $1 }
    return environment
}

/// The flag that lets the client log in to a server with weak parameters, as ``TestServer``'s
/// ``FastLogin/iterations`` are.
let allowWeakServerParameters = "--allow-weak-server-parameters"

/// Runs the real client binary to completion (60 s hang guard), `input` as its standard input.
/// Unless `allowingWeakServerParameters` is false, ``allowWeakServerParameters`` is added to the
/// arguments, since ``TestServer`` uses ``FastLogin/iterations``.
func runClient(
    _ arguments: [String], input: String = "", environment: [String: String] = clientEnvironment(),
    allowingWeakServerParameters: Bool = true
) throws -> ClientRun {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("stdin")
    let outputURL = directory.appendingPathComponent("stdout")
    let errorURL = directory.appendingPathComponent("stderr")
    try Data(input.utf8).write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

    let process = Process()
    process.executableURL = try clientExecutable()
    process.arguments = arguments + (allowingWeakServerParameters ? [allowWeakServerParameters] : [])
    process.environment = environment
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    guard eventually(within: .seconds(60), { !process.isRunning }) else {
        process.terminate()
        process.waitUntilExit()
        throw SupportError("manhole-client \(arguments) did not exit within 60 s")
    }
    process.waitUntilExit()
    return ClientRun(
        status: process.terminationStatus,
        output: try String(contentsOf: outputURL, encoding: .utf8),
        error: try String(contentsOf: errorURL, encoding: .utf8))
}
