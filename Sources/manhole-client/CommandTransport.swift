import ManholeClient
import ManholeWire

/// Sends one command line and returns the server's reply frame: the session's only need of the
/// network, so that it can be tested with a fake.
protocol CommandTransport: AnyObject {
    /// Sends `command` (prefixed with `@json ` when `json`) and reads its reply.
    /// - Throws: When the connection fails; the session then counts it as lost.
    func send(_ command: String, json: Bool) throws -> Frame
}

extension ManholeConnection: CommandTransport {
    func send(_ command: String, json: Bool) throws -> Frame {
        try run(command, json: json)
    }
}
