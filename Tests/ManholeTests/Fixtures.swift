import NIOConcurrencyHelpers

/// The host objects the shell tests inspect.
struct Config: Sendable {
    var port = 8080
    var name = "demo"
}

final class App: Sendable {
    let config = Config()
    let jobs = Array(0..<1_000)
    let cache = ["user:42": "Ada", "user:7": "Grace"]
    let counter = NIOLockedValueBox(0)
}
