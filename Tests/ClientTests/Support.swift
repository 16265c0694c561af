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
typealias ClientRun = ProcessRun

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
    try ProcessRun.run(
        try clientExecutable(), arguments + (allowingWeakServerParameters ? [allowWeakServerParameters] : []),
        environment: environment, input: input)
}
