import ArgumentParser

/// Where the load goes: a manhole this tool starts in a child process (`serve`), or one that
/// runs already, on loopback.
struct ServerTarget: ParsableArguments {
    @Option(name: [.short, .customLong("port")], help: "Port of a running manhole on loopback; without it, one is started in a child process.")
    var port: Int?

    @Option(help: "Loopback address of the running manhole.")
    var host = "127.0.0.1"

    @Option(name: [.short, .customLong("user")], help: "User for a running manhole (password from $MANHOLE_PASSWORD).")
    var user = "load"

    @Flag(help: "With a child server: give its main thread blocking work (jobs with a waitFor each).")
    var hostWork = false

    @Option(help: "With a child server: its shell share of the reactor thread (default: the library's).")
    var shellShare: Double?

    func validate() throws {
        guard Loopback.isLoopback(host) else {
            throw ValidationError("manhole-load only targets loopback (127.0.0.0/8, ::1, localhost), not '\(host)'")
        }
        if port != nil, ProcessEnvironment.password == nil {
            throw ValidationError("set MANHOLE_PASSWORD to the password of user '\(user)'")
        }
    }

    /// Starts the child server if none was named; returns how to reach the server.
    func connect() throws -> ServerEndpoint {
        if let port {
            return ServerEndpoint(host: host, port: port, user: user, password: ProcessEnvironment.password ?? "", child: nil)
        }
        let child = try ServerProcess.launch(hostWork: hostWork, shellShare: shellShare)
        return ServerEndpoint(host: "127.0.0.1", port: child.port, user: ServeCommand.user, password: child.password, child: child)
    }
}

/// A reachable manhole, and the child process behind it if this tool started it.
struct ServerEndpoint: Sendable {
    let host: String
    let port: Int
    let user: String
    let password: String
    let child: ServerProcess?
}

/// Loopback addresses only: the load tool must not be pointed at another machine.
enum Loopback {
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
