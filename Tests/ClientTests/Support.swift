import Foundation
import Harness
import Inspector
import Logging
import Manhole
import ManholeClient
import ManholeWire
import Reactor
import Testing

/// Passwords used by the tests.
let adminPassword = "correct horse battery"
let viewerPassword = "read only please"

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

/// A manhole on a free loopback port with its own reactor, stopped afterwards (the pattern of
/// Tests/ManholeTests/Support.swift).
final class TestServer: Sendable {
    let reactor: Reactor
    let manhole: Manhole

    init(configure: (inout Manhole.Configuration) -> Void = { _ in }) throws {
        reactor = Reactor()
        var configuration = Manhole.Configuration()
        configuration.port = 0
        // Fewer iterations than production (210,000) keep each login fast in tests; the client
        // accepts them only with --allow-weak-server-parameters (runClient passes it).
        configuration.pbkdf2Iterations = 4_096
        configuration.failureDelay = .milliseconds(1)
        configuration.maxFailureDelay = .milliseconds(20)
        // Sanitizer builds run commands several times slower than release: the shell's budget
        // (checked in ManholeTests) would only slow these tests down.
        configuration.shellShare = 1
        configuration.shellSlice = .seconds(1)
        var logger = Logger(label: "manhole-client-tests")
        logger.logLevel = .warning
        configuration.logger = logger
        configure(&configuration)
        manhole = try Manhole.start(
            accounts: [
                Account(name: "admin", password: adminPassword, role: .admin),
                Account(name: "viewer", password: viewerPassword, role: .readOnly),
            ],
            namespace: ["app": FixtureApp()], configuration: configuration, reactor: reactor)
    }

    deinit {
        manhole.stop()
        reactor.stop()
    }

    var port: Int { manhole.port }

    /// Stops the manhole (sessions get a goodbye) and the reactor.
    func stop() {
        manhole.stop()
        reactor.stop()
    }
}

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
/// 4,096 PBKDF2 iterations are.
let allowWeakServerParameters = "--allow-weak-server-parameters"

/// Runs the real client binary to completion (60 s hang guard), `input` as its standard input.
/// Unless `allowingWeakServerParameters` is false, ``allowWeakServerParameters`` is added to the
/// arguments, since ``TestServer`` uses 4,096 iterations.
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
