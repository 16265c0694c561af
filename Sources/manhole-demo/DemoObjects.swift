import Foundation

/// What the demo service is, as `app` shows it: an immutable description with its configuration.
struct AppInfo: Sendable {
    /// The service's name.
    var name = "orders-service"
    /// Its version.
    var version = "1.4.2"
    /// The process id.
    var pid = Int(ProcessInfo.processInfo.processIdentifier)
    /// When it started (ISO 8601).
    var startedAt = ISO8601DateFormatter().string(from: Date())
    /// Its settings (also registered alone as `config`).
    var config = ServiceConfig()
}

/// The demo's settings, as `config` shows them.
struct ServiceConfig: Sendable {
    /// Where the (pretend) HTTP API listens.
    var port = 8080
    /// How many (pretend) worker connections it keeps.
    var workers = 4
    /// The upstream it talks to.
    var upstream = "https://payments.internal:8443"
    /// Per-operation timeouts, in milliseconds.
    var timeouts: [String: Int] = ["connect": 500, "request": 2_000, "checkout": 5_000]
    /// Feature flags.
    var features: [String: Bool] = ["new-checkout": true, "fraud-scoring": false, "bulk-export": true]
    /// The retry policy for upstream calls.
    var retry = RetryPolicy()
}

/// How upstream calls are retried.
struct RetryPolicy: Sendable {
    /// The most attempts per call.
    var attempts = 3
    /// The first back-off, in milliseconds; it doubles per attempt.
    var backoffMilliseconds = 100
}

/// Why a (pretend) upstream call failed.
enum DemoError: Error, CustomStringConvertible {
    /// The upstream did not answer.
    case upstreamUnavailable(String)
    /// A job's item could not be processed.
    case badItem(Int)

    var description: String {
        switch self {
        case .upstreamUnavailable(let host): "upstream \(host) unavailable (connection refused)"
        case .badItem(let id): "item #\(id) has no customer id"
        }
    }
}
